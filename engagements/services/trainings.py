"""The training plan: training records, people without an account, planned sessions, enrolment, attendance, and
the « formé à l'accueil depuis moins de 4 ans » rule.

Every write is keyword-only, atomic and checks its actor (``accounts.access``). Decisions written here:

- a training record is for a user account or a trainee (``Trainee``), never both (a check constraint too);
- enrolment: only people of the session's prefecture (users holding a role on one of its sites or on it, current
  trainees of its sites), each once, within the capacity; not once the attendance is recorded;
- attendance: recorded once the session has started; a present enrolment gives one training record
  (``Enrolment.training``, one-to-one: recording again changes nothing); unmarking someone deletes the record
  their attendance gave (a record entered by hand is never touched);
- the 4-year rule's people (``people_to_train``): the users with an active agent membership on a site (active
  account) and the current trainees marked « agent d'accueil »; their latest reception training (any site) up to
  the day, in one query with the union of both;
- a trainee's personal data are kept while they work on the site, then the retention period after ``left_on``
  (``anonymise_trainees``, called by the nightly retention job complaints.retention.enforce_retention).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Membership, Role
from engagements.models import Enrolment, Trainee, Training, TrainingKind, TrainingSession
from qualipref.lib import data_version
from qualipref.lib.dates import short_date
from qualipref.lib.models import refuse_other_fields
from sites.models import Site

# « Chaque agent d'accueil est formé à l'accueil depuis moins de 4 ans » (docs/domaine.md, § Engagements chiffrés).
TRAINING_VALIDITY_YEARS = 4
TRAINING_FIELDS = ("person", "trainee", "site", "course", "reception", "trained_on")
TRAINEE_FIELDS = ("site", "first_name", "last_name", "service", "position", "reception_agent", "started_on", "left_on")
SESSION_FIELDS = ("site", "course", "kind", "starts_at", "ends_at", "place", "capacity", "min_enrolled")
# A session may be planned up to two years ahead, not dated decades away by a typing slip.
SESSION_HORIZON_DAYS = 2 * 366


# --- training records --------------------------------------------------------------------------------------


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


def training_trainees(user, *, sites=None):
    """The trainees ``user`` may record trainings for (current ones of the sites whose trainings they keep)."""
    if sites is None:
        sites = access.manageable_training_sites(Site.objects.all(), user)
    return Trainee.objects.current().filter(site__in=sites).order_by("last_name", "first_name", "pk")


def _works_in(person, *, site=None, prefecture_id=None, active=False):
    """Whether the user holds a role on ``site`` or its prefecture (or anywhere in ``prefecture_id``); ``active``:
    a role held today (an enrolment), not ever (a past training's record)."""
    if site is not None:
        condition = Q(role__in=SITE_ROLES, site=site) | Q(role__in=PREFECTURE_ROLES, prefecture_id=site.prefecture_id)
    else:
        condition = Q(role__in=SITE_ROLES, site__prefecture_id=prefecture_id) | Q(
            role__in=PREFECTURE_ROLES, prefecture_id=prefecture_id
        )
    memberships = Membership.objects.active() if active else Membership.objects.all()
    return memberships.filter(condition, user=person).exists()


def _validate_training(*, person, trainee, site, course, trained_on):
    errors = {}
    if not (course or "").strip():
        errors["course"] = "Indiquez l'intitulé de la formation."
    if trained_on is None:
        errors["trained_on"] = "Indiquez la date de la formation."
    elif trained_on > timezone.localdate():
        errors["trained_on"] = (
            "La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."
        )
    if (person is None) == (trainee is None):
        errors["person"] = "Choisissez un agent ou une personne sans compte (un seul des deux)."
    elif site is not None and person is not None and not _works_in(person, site=site):
        errors["person"] = f"{person} n'est habilité(e) ni sur le site « {site} » ni sur sa préfecture."
    elif site is not None and trainee is not None and trainee.site_id != site.pk:
        errors["trainee"] = f"{trainee} n'est pas rattaché(e) au site « {site} »."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_create(*, by, site, course, trained_on, reception=True, person=None, trainee=None) -> Training:
    """Record a training ``person`` (a user) or ``trainee`` followed; ``site`` is where they work (it scopes who
    reads the record)."""
    if not access.can_manage_trainings(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de formation pour ce site.")
    _validate_training(person=person, trainee=trainee, site=site, course=course, trained_on=trained_on)
    training = Training(
        person=person, trainee=trainee, site=site, course=course.strip(), reception=reception, trained_on=trained_on
    )
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
    _validate_training(
        person=values["person"],
        trainee=values["trainee"],
        site=site,
        course=values["course"],
        trained_on=values["trained_on"],
    )
    for name, value in values.items():
        setattr(training, name, value.strip() if name == "course" else value)
    training.full_clean()
    training.save()
    return training


# --- people without an account -----------------------------------------------------------------------------


def _validate_trainee(values):
    errors = {}
    for name, label in (("first_name", "le prénom"), ("last_name", "le nom")):
        if not (values.get(name) or "").strip():
            errors[name] = f"Indiquez {label} de la personne."
    started_on, left_on = values.get("started_on"), values.get("left_on")
    if started_on is None:
        errors["started_on"] = "Indiquez depuis quand la personne travaille sur le site."
    elif started_on > timezone.localdate():
        errors["started_on"] = "La date d'arrivée ne peut pas être dans le futur."
    if left_on is not None:
        if left_on > timezone.localdate():
            errors["left_on"] = "La date de départ ne peut pas être dans le futur : indiquez-la une fois partie."
        elif started_on is not None and left_on < started_on:
            errors["left_on"] = "La date de départ ne peut pas précéder la date d'arrivée."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def trainee_create(*, by, site, first_name, last_name, started_on, service="", position="", reception_agent=True):
    """A person without an account whose trainings ``by`` follows on ``site``."""
    if not access.can_manage_trainings(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de personne pour ce site.")
    values = {"first_name": first_name, "last_name": last_name, "started_on": started_on, "left_on": None}
    _validate_trainee(values)
    trainee = Trainee(
        site=site,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        service=(service or "").strip(),
        position=(position or "").strip(),
        reception_agent=reception_agent,
        started_on=started_on,
    )
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def trainee_update(*, by, trainee, **fields) -> Trainee:
    """Change a trainee (their site within ``by``'s scope); ``left_on`` starts their retention period."""
    refuse_other_fields(fields, TRAINEE_FIELDS)
    if not access.can_manage_trainee(by, trainee):
        raise PermissionDenied("Vous ne pouvez pas modifier les personnes de ce site.")
    if trainee.anonymised_on is not None:
        raise ValidationError("Les données de cette personne ont été anonymisées : elle ne se modifie plus.")
    site = fields.get("site", trainee.site)
    if site != trainee.site and not access.can_manage_trainings(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de personne pour ce site.")
    values = {name: fields.get(name, getattr(trainee, name)) for name in TRAINEE_FIELDS}
    _validate_trainee(values)
    for name, value in values.items():
        setattr(trainee, name, value.strip() if isinstance(value, str) else value)
    trainee.full_clean()
    trainee.save()
    return trainee


def expired_trainees(*, cutoff):
    """Trainees who left before ``cutoff`` (the retention period's start), not anonymised yet."""
    return Trainee.objects.filter(anonymised_on__isnull=True, left_on__lt=cutoff)


def anonymise_trainees(queryset, *, today=None) -> int:
    """Erase the name, service and position of these trainees and of their history rows; their site, dates and
    training records stay (the statistics). Idempotent. Returns how many were anonymised."""
    today = today or timezone.localdate()
    ids = list(queryset.filter(anonymised_on__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    erased = {"first_name": "Personne", "last_name": "anonymisée", "service": "", "position": ""}
    with transaction.atomic():
        Trainee.objects.filter(pk__in=ids).update(**erased, anonymised_on=today, updated_at=timezone.now())
        Trainee.history.filter(id__in=ids).update(**erased)
        data_version.bump()  # bulk updates send no signal
    return len(ids)


# --- sessions ----------------------------------------------------------------------------------------------


def _validate_session(values, *, session=None):
    errors = {}
    if not (values.get("course") or "").strip():
        errors["course"] = "Indiquez l'intitulé de la formation."
    if values.get("kind") not in TrainingKind.values:
        errors["kind"] = "Choisissez le type : accueil, astreinte, CIP ou autre."
    if not (values.get("place") or "").strip():
        errors["place"] = "Indiquez le lieu de la session."
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    now = timezone.now()
    if starts_at is None:
        errors["starts_at"] = "Indiquez le début de la session."
    elif (session is None or starts_at != session.starts_at) and starts_at < now:
        errors["starts_at"] = "Le début d'une session planifiée ne peut pas être dans le passé."
    elif starts_at > now + datetime.timedelta(days=SESSION_HORIZON_DAYS):
        errors["starts_at"] = "Une session se planifie au plus deux ans à l'avance."
    if ends_at is None:
        errors["ends_at"] = "Indiquez la fin de la session."
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "La fin de la session doit suivre son début."
    capacity, minimum = values.get("capacity"), values.get("min_enrolled")
    if capacity is None or capacity < 1:
        errors["capacity"] = "Une session a au moins une place."
    elif session is not None and capacity < session.enrolled_count:
        errors["capacity"] = (
            f"{session.enrolled_count} personnes sont déjà inscrites : le nombre de places ne peut pas être inférieur."
        )
    if minimum is None or minimum < 1:
        errors["min_enrolled"] = "Il faut au moins un inscrit pour tenir une session."
    elif capacity is not None and capacity >= 1 and minimum > capacity:
        errors["min_enrolled"] = "Le nombre d'inscrits nécessaires ne peut pas dépasser le nombre de places."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(
    *, by, site, course, starts_at, ends_at, place, capacity, kind=TrainingKind.RECEPTION, min_enrolled=1
) -> TrainingSession:
    """Plan a training session of ``site`` (its referent or the prefecture's quality manager)."""
    if not access.can_manage_trainings(by, site):
        raise PermissionDenied("Vous ne pouvez pas planifier de session pour ce site.")
    values = {
        "course": course,
        "kind": kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "capacity": capacity,
        "min_enrolled": min_enrolled,
    }
    _validate_session(values)
    session = TrainingSession(site=site, **{**values, "course": course.strip(), "place": place.strip()})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(*, by, session, **fields) -> TrainingSession:
    refuse_other_fields(fields, SESSION_FIELDS)
    session = TrainingSession.objects.select_for_update().select_related("site").get(pk=session.pk)
    if not access.can_manage_training_session(by, session):
        raise PermissionDenied("Vous ne pouvez pas modifier les sessions de ce site.")
    site = fields.get("site", session.site)
    if site != session.site:
        if not access.can_manage_trainings(by, site):
            raise PermissionDenied("Vous ne pouvez pas planifier de session pour ce site.")
        if site.prefecture_id != session.site.prefecture_id and session.enrolments.exists():
            raise ValidationError({"site": "Des personnes sont inscrites : la session reste dans sa préfecture."})
    if session.attendance_recorded_at is not None:
        raise ValidationError("Les présences de cette session sont relevées : elle ne se modifie plus.")
    session.enrolled_count = session.enrolments.count()
    values = {name: fields.get(name, getattr(session, name)) for name in SESSION_FIELDS}
    _validate_session(values, session=session)
    for name, value in values.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.full_clean()
    session.save()
    return session


def enrolment_people(session):
    """(users, trainees) who may be enrolled in ``session``: those of its prefecture not enrolled yet."""
    prefecture_id = session.site.prefecture_id
    memberships = Membership.objects.active().filter(
        Q(role__in=SITE_ROLES, site__prefecture_id=prefecture_id)
        | Q(role__in=PREFECTURE_ROLES, prefecture_id=prefecture_id)
    )
    users = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .exclude(pk__in=session.enrolments.filter(user__isnull=False).values("user_id"))
        .order_by("last_name", "first_name", "username")
    )
    trainees = (
        Trainee.objects.current()
        .filter(site__prefecture_id=prefecture_id)
        .exclude(pk__in=session.enrolments.filter(trainee__isnull=False).values("trainee_id"))
        .select_related("site")
        .order_by("last_name", "first_name", "pk")
    )
    return users, trainees


@transaction.atomic
def enrol(*, by, session, user=None, trainee=None) -> Enrolment:
    """Enrol a user or a trainee of the session's prefecture, once, within the capacity."""
    session = TrainingSession.objects.select_for_update().select_related("site").get(pk=session.pk)
    if not access.can_manage_training_session(by, session):
        raise PermissionDenied("Vous ne pouvez pas inscrire de personne à cette session.")
    if (user is None) == (trainee is None):
        raise ValidationError({"person": "Choisissez un agent ou une personne sans compte (un seul des deux)."})
    if session.attendance_recorded_at is not None:
        raise ValidationError("Les présences de cette session sont relevées : les inscriptions sont closes.")
    prefecture_id = session.site.prefecture_id
    if user is not None and not (user.is_active and _works_in(user, prefecture_id=prefecture_id, active=True)):
        raise ValidationError({"person": f"{user} ne travaille pas dans la préfecture de cette session."})
    if trainee is not None:
        if trainee.anonymised_on is not None or trainee.left_on is not None:
            raise ValidationError({"trainee": f"{trainee} a quitté son site : on ne l'inscrit plus."})
        if trainee.site.prefecture_id != prefecture_id:
            raise ValidationError({"trainee": f"{trainee} ne travaille pas dans la préfecture de cette session."})
    already = session.enrolments.filter(Q(user=user) if user is not None else Q(trainee=trainee)).exists()
    if already:
        raise ValidationError({"person": "Cette personne est déjà inscrite à la session."})
    if session.enrolments.count() >= session.capacity:
        raise ValidationError(f"La session est complète ({session.capacity} places).")
    try:
        with transaction.atomic():
            return Enrolment.objects.create(session=session, user=user, trainee=trainee)
    except IntegrityError:  # a concurrent enrolment of the same person
        raise ValidationError({"person": "Cette personne est déjà inscrite à la session."}) from None


@transaction.atomic
def unenrol(*, by, enrolment) -> None:
    """Cancel an enrolment before the attendance is recorded."""
    session = TrainingSession.objects.select_for_update().select_related("site").get(pk=enrolment.session_id)
    if not access.can_manage_training_session(by, session):
        raise PermissionDenied("Vous ne pouvez pas modifier les inscriptions de cette session.")
    if session.attendance_recorded_at is not None:
        raise ValidationError("Les présences de cette session sont relevées : l'inscription reste.")
    Enrolment.objects.filter(pk=enrolment.pk).delete()


def _home_sites(session, user_ids):
    """{user id: the site their training records go to}: the session's site when they hold a site role there,
    else one of their sites in the session's prefecture (their referents read the record), else the session's."""
    rows = (
        Membership.objects.active()
        .filter(user_id__in=user_ids, role__in=SITE_ROLES, site__prefecture_id=session.site.prefecture_id)
        .order_by("user_id", "site_id")
        .values_list("user_id", "site_id")
    )
    homes = {}
    for user_id, site_id in rows:
        if homes.get(user_id) != session.site_id:
            homes[user_id] = site_id
    return homes


def _training_of(enrolment, session, homes):
    person = {"person_id": enrolment.user_id} if enrolment.user_id else {"trainee_id": enrolment.trainee_id}
    return Training(
        **person,
        # The record belongs to the person's site: a trainee's own, a user's (see _home_sites).
        site_id=enrolment.trainee.site_id if enrolment.trainee_id else homes.get(enrolment.user_id, session.site_id),
        course=session.course,
        reception=session.reception,
        trained_on=timezone.localtime(session.starts_at).date(),
    )


@transaction.atomic
def record_attendance(*, by, session, present) -> TrainingSession:
    """Record who came: ``present`` is the enrolments (or their ids) present, every other enrolment of the
    session is absent. A present enrolment gets its training record (once); an enrolment unmarked loses the record
    its attendance gave. Recording the same attendance twice changes nothing."""
    session = TrainingSession.objects.select_for_update().select_related("site").get(pk=session.pk)
    if not access.can_manage_training_session(by, session):
        raise PermissionDenied("Vous ne pouvez pas relever les présences de cette session.")
    if session.starts_at > timezone.now():
        raise ValidationError(
            f"La session commence le {short_date(timezone.localtime(session.starts_at).date())} : "
            "les présences se relèvent une fois la session commencée."
        )
    present_ids = {getattr(item, "pk", item) for item in present}
    enrolments = list(session.enrolments.select_related("trainee").order_by("pk"))
    unknown = present_ids - {enrolment.pk for enrolment in enrolments}
    if unknown:
        raise ValidationError("Une des personnes cochées n'est pas inscrite à cette session.")
    homes = _home_sites(session, [e.user_id for e in enrolments if e.user_id and e.pk in present_ids])
    for enrolment in enrolments:
        attended = enrolment.pk in present_ids
        generated = enrolment.training_id
        if attended == enrolment.attended and attended == (generated is not None):
            continue  # unchanged: recording again creates nothing
        if attended and generated is None:
            training = _training_of(enrolment, session, homes)
            training.save()
            enrolment.training = training
        elif not attended:
            enrolment.training = None
        enrolment.attended = attended
        enrolment.save(update_fields=["training", "attended", "updated_at"])
        if not attended and generated is not None:
            Training.objects.filter(pk=generated).delete()
    if session.attendance_recorded_at is None:
        session.attendance_recorded_at = timezone.now()
        session.save(update_fields=["attendance_recorded_at", "updated_at"])
    return session


def sessions_with_counts(queryset):
    """Sessions annotated with ``enrolled`` and ``present`` (one query with the list)."""
    return queryset.annotate(
        enrolled=Count("enrolments", distinct=True),
        present=Count("enrolments", filter=Q(enrolments__attended=True), distinct=True),
    )


# --- the 4-year rule ---------------------------------------------------------------------------------------


def training_cutoff(on):
    """The oldest date a reception training may have on ``on`` to still count (4 years earlier)."""
    try:
        return on.replace(year=on.year - TRAINING_VALIDITY_YEARS)
    except ValueError:  # 29 February of a leap year -> 28 February
        return on.replace(year=on.year - TRAINING_VALIDITY_YEARS, day=28)


def _trained_in_time(cutoff):
    return Case(
        When(last_reception_training_on__gte=cutoff, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def agents_reception_training(*, sites, on=None):
    """The active agent memberships of ``sites`` on ``on`` (today by default), each annotated with
    ``last_reception_training_on`` (the person's latest reception training up to ``on``, on any site, or None)
    and ``trained_in_time`` (that training is less than 4 years old). One query; the user and the site are
    loaded with each row. The people with an account of ``people_to_train``."""
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
        .annotate(trained_in_time=_trained_in_time(training_cutoff(on)))
        .select_related("user", "site__prefecture")
        .order_by("site__prefecture__department_id", "site__name", "user__last_name", "user__first_name", "pk")
    )


def agents_not_trained(*, sites, on=None):
    """Reception agents of ``sites`` whose latest reception training is older than 4 years on ``on``, or who
    never had one: the memberships of ``agents_reception_training`` with ``trained_in_time`` false."""
    return agents_reception_training(sites=sites, on=on).filter(trained_in_time=False)


def trainees_reception_training(*, sites, on=None):
    """The trainees of ``sites`` marked « agent d'accueil » working there on ``on``, annotated like
    ``agents_reception_training``."""
    on = on or timezone.localdate()
    latest = (
        Training.objects.filter(trainee=OuterRef("pk"), reception=True, trained_on__lte=on)
        .order_by("-trained_on")
        .values("trained_on")[:1]
    )
    return (
        Trainee.objects.filter(site__in=sites, reception_agent=True, anonymised_on__isnull=True, started_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .annotate(last_reception_training_on=Subquery(latest))
        .annotate(trained_in_time=_trained_in_time(training_cutoff(on)))
    )


def _planned(on, **person):
    """Whether the person is enrolled in a reception session starting on ``on`` or later."""
    return Exists(
        Enrolment.objects.filter(**person, session__kind=TrainingKind.RECEPTION, session__starts_at__date__gte=on)
    )


# The columns of a row of people_to_train (both halves of the union, in this order).
PERSON_COLUMNS = (
    "person_kind",
    "user_id_",
    "trainee_id_",
    "first_name_",
    "last_name_",
    "username_",
    "site_id_",
    "site_name_",
    "department_",
    "last_reception_training_on",
    "trained_in_time",
    "planned",
)


def people_to_train(*, sites, users=None, trainees=None, on=None, late_only=True, planned=None):
    """The reception agents of ``sites`` (users with an agent membership, optionally only ``users``, and
    trainees marked « agent d'accueil ») whose latest reception training is older than 4 years or missing
    (``late_only``), as dicts of ``PERSON_COLUMNS``; ``users`` / ``trainees``: only these (the reader's scope);
    ``planned``: only those enrolled (True) or not (False) in a coming reception session.
    One query (a UNION ALL), ordered by department, site and name."""
    on = on or timezone.localdate()
    agents = agents_reception_training(sites=sites, on=on).select_related(None)
    if users is not None:
        agents = agents.filter(user__in=users)
    agents = agents.annotate(
        person_kind=Value("user", output_field=CharField()),
        user_id_=F("user_id"),
        trainee_id_=Value(None, output_field=IntegerField()),
        first_name_=F("user__first_name"),
        last_name_=F("user__last_name"),
        username_=F("user__username"),
        site_id_=F("site_id"),
        site_name_=F("site__name"),
        department_=F("site__prefecture__department_id"),
        planned=_planned(on, user=OuterRef("user_id")),
    )
    others = trainees_reception_training(sites=sites, on=on)
    if trainees is not None:
        others = others.filter(pk__in=trainees.values("pk"))
    trainees = others.annotate(
        person_kind=Value("trainee", output_field=CharField()),
        user_id_=Value(None, output_field=IntegerField()),
        trainee_id_=F("pk"),
        first_name_=F("first_name"),
        last_name_=F("last_name"),
        username_=Value("", output_field=CharField()),
        site_id_=F("site_id"),
        site_name_=F("site__name"),
        department_=F("site__prefecture__department_id"),
        planned=_planned(on, trainee=OuterRef("pk")),
    )
    if late_only:
        agents, trainees = agents.filter(trained_in_time=False), trainees.filter(trained_in_time=False)
    if planned is not None:
        agents, trainees = agents.filter(planned=planned), trainees.filter(planned=planned)
    agents = agents.order_by().values(*PERSON_COLUMNS)
    trainees = trainees.order_by().values(*PERSON_COLUMNS)
    return agents.union(trainees, all=True).order_by("department_", "site_name_", "last_name_", "first_name_")


def reception_totals(*, sites, users=None, trainees=None, on=None):
    """{"total": reception agents (users and trainees), "late": those to train}: two aggregate queries."""
    on = on or timezone.localdate()
    agents = agents_reception_training(sites=sites, on=on).select_related(None).order_by()
    if users is not None:
        agents = agents.filter(user__in=users)
    others = trainees_reception_training(sites=sites, on=on).order_by()
    if trainees is not None:
        others = others.filter(pk__in=trainees.values("pk"))
    totals = {"total": 0, "late": 0}
    for queryset in (agents, others):
        counts = queryset.aggregate(total=Count("pk"), late=Count("pk", filter=Q(trained_in_time=False)))
        totals = {key: totals[key] + counts[key] for key in totals}
    return totals


def planned_sessions_of(rows, *, on=None):
    """For the rows of ``people_to_train`` (a page), their coming reception sessions: one query; sets
    ``row["sessions"]`` (a list of sessions) on each row."""
    on = on or timezone.localdate()
    users = {row["user_id_"] for row in rows if row["user_id_"]}
    trainees = {row["trainee_id_"] for row in rows if row["trainee_id_"]}
    by_person = {}
    if users or trainees:
        enrolments = (
            Enrolment.objects.filter(Q(user_id__in=users) | Q(trainee_id__in=trainees))
            .filter(session__kind=TrainingKind.RECEPTION, session__starts_at__date__gte=on)
            .select_related("session__site")
            .order_by("session__starts_at", "pk")
        )
        for enrolment in enrolments:
            key = ("user", enrolment.user_id) if enrolment.user_id else ("trainee", enrolment.trainee_id)
            by_person.setdefault(key, []).append(enrolment.session)
    for row in rows:
        key = ("user", row["user_id_"]) if row["person_kind"] == "user" else ("trainee", row["trainee_id_"])
        row["sessions"] = by_person.get(key, [])
    return rows
