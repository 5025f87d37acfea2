"""Writes of the crisis communication registers: the on-call roster, the events and exercises (their lessons turned
into actions of the plan), the press releases.

Every write is keyword-only, atomic, checks its actor (``accounts.access``) and refuses bad input with French
messages by field. Writes of one prefecture's roster or press releases lock the prefecture's row first: two
concurrent writers cannot both pass the overlap (or numbering) check. On PostgreSQL an exclusion constraint on the
shifts backs the overlap rule (crisis/migrations/0002).
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Membership
from crisis.models import CrisisEvent, CrisisLesson, OnCallShift, PressRelease
from engagements.models import Action
from engagements.services import actions
from qualipref.lib.dates import short_datetime
from qualipref.lib.models import refuse_other_fields
from sites.models import Prefecture

SHIFT_FIELDS = ("person", "person_name", "phone", "starts_at", "ends_at")
EVENT_FIELDS = ("kind", "title", "with_cip", "alert_received_at", "operational_at", "description")
PRESS_RELEASE_FIELDS = ("number", "title", "event", "issued_at", "channels", "validated_by")
PHONE = re.compile(r"^\+?[0-9][0-9 .]{5,24}$")


def _refuse_unless_manager(by, prefecture, message):
    if not access.can_manage_crisis(by, prefecture):
        raise PermissionDenied(message)


def _lock(prefecture):
    """Serialise the writes of one prefecture's roster and press releases."""
    Prefecture.objects.select_for_update().filter(pk=prefecture.pk).exists()


# --- on-call roster -------------------------------------------------------------------------------


def on_call_people(prefecture):
    """Who may be chosen from the accounts: the active people of the prefecture and of its sites."""
    memberships = Membership.objects.active().filter(
        Q(role__in=PREFECTURE_ROLES, prefecture=prefecture) | Q(role__in=SITE_ROLES, site__prefecture=prefecture)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


def _validate_shift(*, prefecture, person, person_name, phone, starts_at, ends_at, exclude_pk=None):
    errors = {}
    if person is None and not person_name:
        errors["person_name"] = "Choisissez l'agent d'astreinte parmi les comptes ou indiquez son nom."
    elif person is not None and not on_call_people(prefecture).filter(pk=person.pk).exists():
        errors["person"] = f"{person} n'est habilité(e) ni sur la préfecture ni sur l'un de ses sites."
    if not PHONE.match(phone or ""):
        errors["phone"] = "Indiquez le numéro de téléphone de l'astreinte, par exemple 04 84 35 40 00."
    if starts_at is None:
        errors["starts_at"] = "Indiquez le début de l'astreinte."
    if ends_at is None:
        errors["ends_at"] = "Indiquez la fin de l'astreinte."
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "La fin de l'astreinte doit être postérieure à son début."
    if errors:
        raise ValidationError(errors)
    clash = (
        OnCallShift.objects.filter(prefecture=prefecture)
        .exclude(pk=exclude_pk)
        .overlapping(starts_at, ends_at)
        .select_related("person")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": f"Cette astreinte chevauche celle de {clash.who} du {short_datetime(clash.starts_at)} "
                f"au {short_datetime(clash.ends_at)} : une seule astreinte à la fois."
            }
        )


@transaction.atomic
def shift_create(*, by, prefecture, starts_at, ends_at, phone, person=None, person_name="") -> OnCallShift:
    """Add a shift to ``prefecture``'s roster: someone with an account (``person``) or a free name."""
    _refuse_unless_manager(by, prefecture, "Seul le responsable qualité de la préfecture tient son astreinte.")
    _lock(prefecture)
    person_name = "" if person is not None else (person_name or "").strip()
    phone = (phone or "").strip()
    _validate_shift(
        prefecture=prefecture,
        person=person,
        person_name=person_name,
        phone=phone,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    shift = OnCallShift(
        prefecture=prefecture, person=person, person_name=person_name, phone=phone, starts_at=starts_at, ends_at=ends_at
    )
    shift._history_user = by
    shift.full_clean()
    shift.save()
    return shift


@transaction.atomic
def shift_update(*, by, shift, **fields) -> OnCallShift:
    refuse_other_fields(fields, SHIFT_FIELDS)
    _refuse_unless_manager(by, shift.prefecture, "Seul le responsable qualité de la préfecture tient son astreinte.")
    _lock(shift.prefecture)
    values = {name: fields.get(name, getattr(shift, name)) for name in SHIFT_FIELDS}
    values["person_name"] = "" if values["person"] is not None else (values["person_name"] or "").strip()
    values["phone"] = (values["phone"] or "").strip()
    _validate_shift(prefecture=shift.prefecture, exclude_pk=shift.pk, **values)
    for name, value in values.items():
        setattr(shift, name, value)
    shift._history_user = by
    shift.full_clean()
    shift.save()
    return shift


@transaction.atomic
def shift_delete(*, by, shift):
    _refuse_unless_manager(by, shift.prefecture, "Seul le responsable qualité de la préfecture tient son astreinte.")
    shift._history_user = by
    shift.delete()


# --- events and exercises -------------------------------------------------------------------------


def elapsed(start, end):
    """``end - start`` in real time: Python subtracts two datetimes of the same zone by their wall clocks (an hour
    off across a change of time), so both are read in UTC."""
    return end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)


def activation_minutes(alert_received_at, operational_at):
    """Whole minutes from the alert to the operational cell."""
    return int(elapsed(alert_received_at, operational_at).total_seconds() // 60)


def _validate_event(*, kind, title, alert_received_at, operational_at):
    errors = {}
    if kind not in CrisisEvent.Kind.values:
        errors["kind"] = "Choisissez la nature : événement réel ou exercice."
    if not (title or "").strip():
        errors["title"] = "Indiquez l'intitulé de l'événement ou de l'exercice."
    if alert_received_at is None:
        errors["alert_received_at"] = "Indiquez la date et l'heure de réception de l'alerte."
    elif alert_received_at > timezone.now():
        errors["alert_received_at"] = (
            "L'alerte ne peut pas être dans le futur : enregistrez l'événement une fois survenu."
        )
    if operational_at is None:
        errors["operational_at"] = "Indiquez la date et l'heure où la cellule a été opérationnelle."
    elif alert_received_at is not None and operational_at < alert_received_at:
        errors["operational_at"] = "La cellule ne peut pas être opérationnelle avant la réception de l'alerte."
    if errors:
        raise ValidationError(errors)


def _clean_lesson(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Le texte de l'enseignement est obligatoire."})
    return text


@transaction.atomic
def event_create(
    *,
    by,
    prefecture,
    kind,
    title,
    alert_received_at,
    operational_at,
    with_cip=False,
    description="",
    lessons=(),
) -> CrisisEvent:
    """Log a real event or an exercise of ``prefecture``'s crisis cell, with the lessons of an exercise (texts)."""
    _refuse_unless_manager(by, prefecture, "Seul le responsable qualité de la préfecture tient le journal de crise.")
    _validate_event(kind=kind, title=title, alert_received_at=alert_received_at, operational_at=operational_at)
    texts = [_clean_lesson(text) for text in lessons]
    if texts and kind != CrisisEvent.Kind.EXERCISE:
        raise ValidationError({"lessons": "Seuls les exercices ont des enseignements à transformer en actions."})
    event = CrisisEvent(
        prefecture=prefecture,
        kind=kind,
        title=title.strip(),
        with_cip=with_cip,
        alert_received_at=alert_received_at,
        operational_at=operational_at,
        activation_minutes=activation_minutes(alert_received_at, operational_at),
        description=description,
    )
    event._history_user = by
    event.full_clean()
    event.save()
    for text in texts:
        CrisisLesson.objects.create(event=event, text=text)
    return event


@transaction.atomic
def event_update(*, by, event, **fields) -> CrisisEvent:
    """Change an event or exercise (its prefecture never changes); the activation delay follows its times."""
    refuse_other_fields(fields, EVENT_FIELDS)
    _refuse_unless_manager(
        by, event.prefecture, "Seul le responsable qualité de la préfecture tient le journal de crise."
    )
    values = {name: fields.get(name, getattr(event, name)) for name in EVENT_FIELDS}
    _validate_event(
        kind=values["kind"],
        title=values["title"],
        alert_received_at=values["alert_received_at"],
        operational_at=values["operational_at"],
    )
    if values["kind"] != CrisisEvent.Kind.EXERCISE and event.lessons.exists():
        raise ValidationError({"kind": "Cet exercice a des enseignements : il reste un exercice."})
    for name, value in values.items():
        setattr(event, name, value.strip() if name == "title" else value)
    event.activation_minutes = activation_minutes(event.alert_received_at, event.operational_at)
    event._history_user = by
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def lesson_add(*, by, event, text) -> CrisisLesson:
    _refuse_unless_manager(
        by, event.prefecture, "Seul le responsable qualité de la préfecture tient le journal de crise."
    )
    if event.kind != CrisisEvent.Kind.EXERCISE:
        raise ValidationError({"text": "Seuls les exercices ont des enseignements à transformer en actions."})
    lesson = CrisisLesson(event=event, text=_clean_lesson(text))
    lesson.full_clean()
    lesson.save()
    return lesson


def _action_title(text):
    first_line = text.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= 250 else first_line[:249].rstrip() + "…"


@transaction.atomic
def lesson_to_action(*, by, lesson, plan=None, site=None, owner=None, due_on=None) -> Action:
    """Turn an exercise's lesson into an action of the prefecture's plan (source « exercice de crise »), through
    the actions' own service; the lesson keeps the link."""
    lesson = CrisisLesson.objects.select_for_update().select_related("event__prefecture").get(pk=lesson.pk)
    event = lesson.event
    _refuse_unless_manager(
        by, event.prefecture, "Seul le responsable qualité de la préfecture transforme les enseignements en actions."
    )
    if lesson.action_id is not None:
        raise ValidationError("Cet enseignement a déjà donné lieu à une action.")
    action = actions.action_create_from_source(
        by=by,
        source_object=lesson,
        source=Action.Source.CRISIS_EXERCISE,
        prefecture=event.prefecture,
        plan=plan,
        title=_action_title(lesson.text),
        description=f"{lesson.text}\n\nEnseignement de l'exercice « {event} ».",
        site=site,
        owner=owner,
        due_on=due_on,
    )
    lesson.action = action
    lesson.save(update_fields=["action", "updated_at"])
    return action


# --- press releases -------------------------------------------------------------------------------


def _validate_press_release(*, prefecture, number, title, event, issued_at, channels, validated_by, exclude_pk=None):
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Indiquez l'objet du communiqué."
    if issued_at is None:
        errors["issued_at"] = "Indiquez la date et l'heure de diffusion."
    elif issued_at > timezone.now():
        errors["issued_at"] = (
            "La diffusion ne peut pas être dans le futur : enregistrez le communiqué une fois diffusé."
        )
    unknown = set(channels or ()) - set(PressRelease.Channel.values)
    if not channels:
        errors["channels"] = "Cochez au moins un canal de diffusion."
    elif unknown:
        errors["channels"] = f"Canal de diffusion inconnu : {', '.join(sorted(unknown))}."
    if not (validated_by or "").strip():
        errors["validated_by"] = "Indiquez qui a validé le communiqué."
    if event is not None and event.prefecture_id != prefecture.pk:
        errors["event"] = "Cet événement relève d'une autre préfecture."
    if number is not None and number < 1:
        errors["number"] = "Le numéro d'un communiqué commence à 1."
    if errors:
        raise ValidationError(errors)
    year = timezone.localtime(issued_at).year
    if number is not None:
        taken = PressRelease.objects.filter(prefecture=prefecture, year=year, number=number).exclude(pk=exclude_pk)
        if taken.exists():
            raise ValidationError({"number": f"Le numéro {number} est déjà attribué à un communiqué de {year}."})
    return year


@transaction.atomic
def press_release_create(
    *, by, prefecture, title, issued_at, channels, validated_by, event=None, number=None
) -> PressRelease:
    """Add a line to the tracking table; without ``number``, the next one of the prefecture's year."""
    _refuse_unless_manager(
        by, prefecture, "Seul le responsable qualité de la préfecture tient le suivi des communiqués."
    )
    _lock(prefecture)
    year = _validate_press_release(
        prefecture=prefecture,
        number=number,
        title=title,
        event=event,
        issued_at=issued_at,
        channels=channels,
        validated_by=validated_by,
    )
    if number is None:
        last = PressRelease.objects.filter(prefecture=prefecture, year=year).aggregate(last=Max("number"))["last"]
        number = (last or 0) + 1
    release = PressRelease(
        prefecture=prefecture,
        year=year,
        number=number,
        title=title.strip(),
        event=event,
        issued_at=issued_at,
        channels=sorted(set(channels), key=PressRelease.Channel.values.index),
        validated_by=validated_by.strip(),
    )
    release._history_user = by
    release.full_clean()
    release.save()
    return release


@transaction.atomic
def press_release_update(*, by, release, **fields) -> PressRelease:
    refuse_other_fields(fields, PRESS_RELEASE_FIELDS)
    _refuse_unless_manager(
        by, release.prefecture, "Seul le responsable qualité de la préfecture tient le suivi des communiqués."
    )
    _lock(release.prefecture)
    values = {name: fields.get(name, getattr(release, name)) for name in PRESS_RELEASE_FIELDS}
    if values["number"] is None:
        values["number"] = release.number
    release.year = _validate_press_release(prefecture=release.prefecture, exclude_pk=release.pk, **values)
    for name, value in values.items():
        setattr(release, name, value.strip() if name in ("title", "validated_by") else value)
    release.channels = sorted(set(release.channels), key=PressRelease.Channel.values.index)
    release._history_user = by
    release.full_clean()
    release.save()
    return release


def press_release_counts(queryset):
    """[(year, count)] of the press releases of ``queryset``, newest year first: one query."""
    return list(queryset.order_by("-year").values("year").annotate(count=Count("pk")).values_list("year", "count"))
