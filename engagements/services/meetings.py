"""Quality meetings (COPIL, CLU), their decisions turned into actions, and staff training records.

Every write is keyword-only, atomic and checks its actor (``accounts.access``). ``agents_not_trained`` and
``agents_reception_training`` are the read side of the « agents formés à l'accueil depuis moins de 4 ans »
engagement: the pages use them and so will the indicators.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.db.models.fields import BooleanField
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Membership, Role
from engagements.models import Action, Meeting, MeetingDecision, Training
from engagements.services import actions
from qualipref.lib.models import clean_and_save, refuse_other_fields
from sites.models import Site

# A meeting may be planned ahead (the next CLU), not dated years away by a typing slip.
MEETING_HORIZON_DAYS = 366
# « Chaque agent d'accueil est formé à l'accueil depuis moins de 4 ans » (docs/domaine.md, § Engagements chiffrés).
TRAINING_VALIDITY_YEARS = 4
MEETING_FIELDS = ("kind", "held_on", "attendees", "minutes")
TRAINING_FIELDS = ("person", "site", "course", "reception", "trained_on")


# --- meetings -------------------------------------------------------------------------------------


def _validate_meeting(*, kind, held_on):
    errors = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = "Choisissez l'instance : COPIL qualité ou comité local des usagers."
    if held_on is None:
        errors["held_on"] = "Indiquez la date de la réunion."
    elif held_on > timezone.localdate() + datetime.timedelta(days=MEETING_HORIZON_DAYS):
        errors["held_on"] = "La date de la réunion ne peut pas être postérieure de plus d'un an à la date du jour."
    if errors:
        raise ValidationError(errors)


def _clean_decision_text(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Le texte de la décision est obligatoire."})
    return text


@transaction.atomic
def meeting_create(*, by, prefecture, kind, held_on, attendees="", minutes="", decisions=()) -> Meeting:
    """Record a COPIL or CLU of ``prefecture``, with its first decisions (texts) if any."""
    if not access.can_manage_meetings(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture enregistre ses réunions qualité.")
    _validate_meeting(kind=kind, held_on=held_on)
    texts = [_clean_decision_text(text) for text in decisions]
    meeting = Meeting(prefecture=prefecture, kind=kind, held_on=held_on, attendees=attendees, minutes=minutes)
    meeting.full_clean()
    meeting.save()
    MeetingDecision.objects.bulk_create(MeetingDecision(meeting=meeting, text=text) for text in texts)
    return meeting


@transaction.atomic
def meeting_update(*, by, meeting, **fields) -> Meeting:
    """Change the kind, date, attendees or minutes of a meeting (its prefecture never changes)."""
    if not access.can_manage_meetings(by, meeting.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses réunions qualité.")
    refuse_other_fields(fields, MEETING_FIELDS)
    _validate_meeting(kind=fields.get("kind", meeting.kind), held_on=fields.get("held_on", meeting.held_on))
    return clean_and_save(meeting, **fields)


@transaction.atomic
def decision_add(*, by, meeting, text) -> MeetingDecision:
    if not access.can_manage_meetings(by, meeting.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture enregistre les décisions des réunions.")
    decision = MeetingDecision(meeting=meeting, text=_clean_decision_text(text))
    decision.full_clean()
    decision.save()
    return decision


def _action_title(text):
    first_line = text.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= 250 else first_line[:249].rstrip() + "…"


@transaction.atomic
def decision_to_action(*, by, decision, plan=None, site=None, owner=None, due_on=None) -> Action:
    """Turn a meeting's decision into an action of the prefecture's action plan, in one step.

    The action's source is the meeting's kind (COPIL or CLU) and points back to the decision
    (``action.source_object``); the decision keeps the link (``decision.action``).
    """
    decision = MeetingDecision.objects.select_for_update().select_related("meeting__prefecture").get(pk=decision.pk)
    meeting = decision.meeting
    prefecture = meeting.prefecture
    if not access.can_manage_meetings(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture transforme les décisions en actions.")
    if decision.action_id is not None:
        raise ValidationError("Cette décision a déjà donné lieu à une action.")
    action = actions.action_create_from_source(
        by=by,
        source_object=decision,
        source=meeting.kind,
        prefecture=prefecture,
        plan=plan,
        title=_action_title(decision.text),
        description=f"{decision.text}\n\nDécision du {meeting}.",
        site=site,
        owner=owner,
        due_on=due_on,
    )
    decision.action = action
    decision.save(update_fields=["action", "updated_at"])
    return action


# --- trainings ------------------------------------------------------------------------------------


def training_people(user, *, sites=None):
    """Who may be chosen as the trained person by ``user``: the people holding an active role on a site
    whose trainings ``user`` records (or on one of ``sites``), or on its prefecture (quality manager, manager)."""
    if sites is None:
        sites = access.manageable_training_sites(Site.objects.all(), user)
    memberships = Membership.objects.active().filter(
        Q(role__in=SITE_ROLES, site__in=sites) | Q(role__in=PREFECTURE_ROLES, prefecture__sites__in=sites)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


def _validate_training(*, person, site, course, trained_on):
    errors = {}
    if not (course or "").strip():
        errors["course"] = "Indiquez l'intitulé de la formation."
    if trained_on is None:
        errors["trained_on"] = "Indiquez la date de la formation."
    elif trained_on > timezone.localdate():
        errors["trained_on"] = (
            "La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."
        )
    if person is not None and site is not None:
        works_there = Membership.objects.filter(
            Q(role__in=SITE_ROLES, site=site) | Q(role__in=PREFECTURE_ROLES, prefecture_id=site.prefecture_id),
            user=person,
        ).exists()
        if not works_there:
            errors["person"] = f"{person} n'est habilité(e) ni sur le site « {site} » ni sur sa préfecture."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_create(*, by, person, site, course, trained_on, reception=True) -> Training:
    """Record a training ``person`` followed; ``site`` is where they work (it scopes who reads the record)."""
    if not access.can_manage_trainings(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de formation pour ce site.")
    _validate_training(person=person, site=site, course=course, trained_on=trained_on)
    training = Training(person=person, site=site, course=course.strip(), reception=reception, trained_on=trained_on)
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def training_update(*, by, training, **fields) -> Training:
    refuse_other_fields(fields, TRAINING_FIELDS)
    if not access.can_manage_trainings(by, training.site):
        raise PermissionDenied("Vous ne pouvez pas modifier les formations de ce site.")
    site = fields.get("site", training.site)
    if site != training.site and not access.can_manage_trainings(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de formation pour ce site.")
    values = {name: fields.get(name, getattr(training, name)) for name in TRAINING_FIELDS}
    _validate_training(person=values["person"], site=site, course=values["course"], trained_on=values["trained_on"])
    for name, value in values.items():
        setattr(training, name, value.strip() if name == "course" else value)
    training.full_clean()
    training.save()
    return training


def training_cutoff(on):
    """The oldest date a reception training may have on ``on`` to still count (4 years earlier)."""
    try:
        return on.replace(year=on.year - TRAINING_VALIDITY_YEARS)
    except ValueError:  # 29 February of a leap year -> 28 February
        return on.replace(year=on.year - TRAINING_VALIDITY_YEARS, day=28)


def agents_reception_training(*, sites, on=None):
    """The active agent memberships of ``sites`` on ``on`` (today by default), each annotated with
    ``last_reception_training_on`` (the person's latest reception training up to ``on``, on any site, or None)
    and ``trained_in_time`` (that training is less than 4 years old). One query; the user and the site are
    loaded with each row. The indicators count ``trained_in_time`` per site from it."""
    on = on or timezone.localdate()
    latest = (
        Training.objects.filter(person=OuterRef("user_id"), reception=True, trained_on__lte=on)
        .order_by("-trained_on")
        .values("trained_on")[:1]
    )
    return (
        Membership.objects.active(on)
        .filter(role=Role.AGENT, site__in=sites, user__is_active=True)
        .annotate(last_reception_training_on=Subquery(latest))
        .annotate(
            trained_in_time=Case(
                When(last_reception_training_on__gte=training_cutoff(on), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("user", "site__prefecture")
        .order_by("site__prefecture__department_id", "site__name", "user__last_name", "user__first_name", "pk")
    )


def agents_not_trained(*, sites, on=None):
    """Reception agents of ``sites`` whose latest reception training is older than 4 years on ``on``, or who
    never had one: the memberships of ``agents_reception_training`` with ``trained_in_time`` false."""
    return agents_reception_training(sites=sites, on=on).filter(trained_in_time=False)
