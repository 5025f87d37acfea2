"""Writes on correspondence, one item at a time, and on the prefectures' delays.

Like complaints.services: keyword-only, the actor ``by``, accounts.access for what they may do
(``PermissionDenied``), ``ValidationError`` with French messages by field, one transaction. ``delay_days`` and
``due_on`` are computed here (complaints.deadlines, the site's calendar) and recomputed here only, when the kind,
the site or the date of receipt changes; the delay is the one in force at that moment (``delay_of``). History
rows carry the actor. The bulk import (imports.py) applies the same rules with the same messages (``check_dates``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from complaints import deadlines, deliveries, replies
from complaints.models import Correspondence, CorrespondenceDelays
from complaints.models.correspondence import MAX_DELAY, delays_for
from complaints.register import services as register_services

# The views and the import ask here.
from complaints.register.services import assignable_users as assignable_users
from complaints.register.services import set_answer as set_answer
from qualipref.lib.dates import short_date

Kind = Correspondence.Kind

# What a page or a client may write (the API's write serializer takes the same fields, in this order).
FIELDS = (
    "site",
    "service",
    "kind",
    "reference",
    "subject",
    "sender",
    "sender_email",
    "sender_address",
    "received_on",
    "answered_on",
    "assigned_to",
)
EDITABLE_FIELDS = frozenset(FIELDS)
TEXT_FIELDS = ("reference", "subject", "sender", "sender_email", "sender_address")
ADDRESS_MAX_LENGTH = 500
RESPONSE_MAX_LENGTH = 20_000
EMAIL_INVALID = "Saisissez une adresse électronique valide (nom@exemple.fr)."
EARLIEST = datetime.date(2000, 1, 1)

KIND_UNKNOWN = "Type inconnu : courrier, courriel, demande de rendez-vous d'un élu ou lettre d'observations."
SERVICE_OF_ANOTHER_SITE = "Ce service n'appartient pas au site choisi."


def reference_taken(reference):
    return f"Un courrier de la préfecture porte déjà la référence « {reference} »."


def check_dates(*, received_on, answered_on, today):
    """{field: message} of what is wrong with the dates of an item (no query): shared with the bulk import."""
    errors = {}
    if received_on is None:
        errors["received_on"] = "Indiquez la date de réception."
    elif received_on > today:
        errors["received_on"] = "La date de réception ne peut pas être dans le futur."
    elif received_on < EARLIEST:
        errors["received_on"] = f"Date de réception invraisemblable ({short_date(received_on)}) : vérifiez l'année."
    if answered_on is not None:
        if answered_on > today:
            errors["answered_on"] = "La date de réponse ne peut pas être dans le futur."
        elif received_on is not None and answered_on < received_on:
            errors["answered_on"] = (
                f"La date de réponse ({short_date(answered_on)}) précède "
                f"la date de réception ({short_date(received_on)})."
            )
    return errors


def delay_of(prefecture_id, kind):
    """The delay in working days of a kind of item in a prefecture (its settings, or the defaults)."""
    return delays_for([prefecture_id])[prefecture_id][kind]


def compute_deadline(item, *, delay=None, calendar=None):
    """Store ``delay_days`` and ``due_on`` of the item, and the facts of its answer when it has one. ``calendar``:
    the site's WorkingCalendar when the caller has it (the import), else it is read for the site."""
    item.delay_days = delay if delay is not None else delay_of(item.prefecture_id, item.kind)
    if calendar is not None:
        item.due_on = calendar.add_working_days(item.received_on, item.delay_days)
    else:
        item.due_on = deadlines.due_date(item.site, item.received_on, working_days=item.delay_days)
    set_answer(item, item.answered_on, calendar=calendar)


ASSIGNEE_REFUSED = "Le courrier ne peut être attribué qu'à un agent ou au référent du site, ou au responsable qualité."


def _assignee_error(user, item):
    return register_services.assignee_error(user, item, ASSIGNEE_REFUSED)


def _check(item, errors, *, today):
    for name in TEXT_FIELDS:
        setattr(item, name, (getattr(item, name) or "").strip())
    if item.kind not in Kind.values:
        errors.setdefault("kind", KIND_UNKNOWN)
    if item.service is not None and item.service.site_id != item.site_id:
        errors.setdefault("service", SERVICE_OF_ANOTHER_SITE)
    for name in TEXT_FIELDS:
        limit = Correspondence._meta.get_field(name).max_length or ADDRESS_MAX_LENGTH
        if len(getattr(item, name)) > limit:
            errors.setdefault(name, f"{limit} caractères au plus.")
    if item.sender_email and "sender_email" not in errors:
        try:
            validate_email(item.sender_email)
        except ValidationError:
            errors["sender_email"] = EMAIL_INVALID
    for name, message in check_dates(received_on=item.received_on, answered_on=item.answered_on, today=today).items():
        errors.setdefault(name, message)
    if item.reference and "reference" not in errors:
        taken = Correspondence.objects.filter(prefecture_id=item.prefecture_id, reference=item.reference)
        if item.pk:
            taken = taken.exclude(pk=item.pk)
        if taken.exists():
            errors["reference"] = reference_taken(item.reference)


def _save(item, *, by):
    item._history_user = by
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # Two people saving the same reference at once: the unique constraint is the last guard.
        if (
            item.reference
            and Correspondence.objects.filter(prefecture_id=item.prefecture_id, reference=item.reference)
            .exclude(pk=item.pk)
            .exists()
        ):
            raise ValidationError({"reference": reference_taken(item.reference)}) from None
        raise
    return item


def _record(*, by, site, assigned_to=None, reason=None, **fields) -> Correspondence:
    """Check and save a new item of ``site`` and its prefecture, its deadline computed (``reason``: how it arrived,
    in its history's creation line)."""
    site = register_services.site_with_prefecture(site)
    item = Correspondence(site=site, prefecture=site.prefecture, assigned_to=assigned_to, created_by=by, **fields)
    errors = {}
    _check(item, errors, today=timezone.localdate())
    message = _assignee_error(assigned_to, item)
    if message:
        errors.setdefault("assigned_to", message)
    if errors:
        raise ValidationError(errors)
    compute_deadline(item)
    item._change_reason = reason
    return _save(item, by=by)


@transaction.atomic
def correspondence_create(
    *,
    by,
    site,
    kind,
    received_on,
    service=None,
    reference="",
    subject="",
    sender="",
    sender_email="",
    sender_address="",
    answered_on=None,
    assigned_to=None,
) -> Correspondence:
    """Record a letter, an e-mail, an elected official's request or a letter of observation received on a site."""
    if not access.can_record_correspondence(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de courrier pour ce site.")
    return _record(
        by=by,
        site=site,
        service=service,
        kind=kind,
        reference=reference,
        subject=subject,
        sender=sender,
        sender_email=sender_email,
        sender_address=sender_address,
        received_on=received_on,
        answered_on=answered_on,
        assigned_to=assigned_to,
    )


@transaction.atomic
def correspondence_record_email(*, site, received_on, subject, sender, sender_email, by=None) -> Correspondence:
    """An e-mail that arrived in a prefecture's mailbox (complaints.inbound), recorded as an e-mail to answer in
    5 working days: by the mailbox's task (no actor: its rule chose the site) or by a handler from the triage
    (``by``, who must record on the site)."""
    if by is not None and not access.can_record_correspondence(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de courrier pour ce site.")
    return _record(
        by=by,
        site=site,
        kind=Kind.EMAIL,
        subject=subject,
        sender=sender,
        sender_email=sender_email,
        received_on=received_on,
        reason=register_services.MAILBOX_REASON,
    )


def answered_refused(item):
    return f"Ce courrier a déjà reçu une réponse le {short_date(item.answered_on)}."


class _Correspondence(register_services.Register):
    model = Correspondence
    editable = EDITABLE_FIELDS
    # A new kind changes the delay in force.
    deadline_fields = ("received_on", "kind")
    refusals = {
        # Someone who may see the item but not handle it (page or API: the same words).
        "handle": "Vous ne pouvez pas traiter ce courrier : vous le consultez seulement.",
        "edit": "Vous ne pouvez pas modifier ce courrier : vous le consultez seulement.",
        "answer": "Vous ne pouvez pas enregistrer la réponse à ce courrier : vous le consultez seulement.",
        "delete": "Vous ne pouvez pas supprimer ce courrier : vous le consultez seulement.",
    }
    other_prefecture = "Un courrier ne change pas de préfecture : choisissez un site de la même préfecture."
    site_refused = "Vous ne pouvez pas rattacher le courrier à ce site."

    may_handle = staticmethod(access.can_handle_correspondence)
    may_record = staticmethod(access.can_record_correspondence)
    assignee_error = staticmethod(_assignee_error)

    def check(self, item, errors, *, today):
        _check(item, errors, today=today)

    def compute_deadline(self, item):
        compute_deadline(item)

    def save(self, item, *, by):
        return _save(item, by=by)


CORRESPONDENCE = _Correspondence()


def check_handler(by, item, action="handle"):
    """PermissionDenied with the one message of the refusal of ``action`` (the pages and the API ask here)."""
    CORRESPONDENCE.check_handler(by, item, action)


@transaction.atomic
def correspondence_update(*, by, correspondence, **fields) -> Correspondence:
    """Change what describes an item. A new kind, site (of the same prefecture) or date of receipt recomputes
    its delay and due date; a new date of answer its facts. On any error the item is left as it was (the flow of
    both registers: complaints.register.services.Register.update)."""
    return CORRESPONDENCE.update(by=by, item=correspondence, fields=fields)


def response_errors(response):
    """{"response": message} when the text of an answer cannot be recorded (nor sent): too long, or a passage of
    its template still to write (complaints.replies.check_response)."""
    if len(response) > RESPONSE_MAX_LENGTH:
        return {"response": f"La réponse dépasse {RESPONSE_MAX_LENGTH} caractères."}
    try:
        replies.check_response(response)
    except ValidationError as error:
        return {"response": error.messages[0]}
    return {}


@transaction.atomic
def correspondence_answer(*, by, correspondence, answered_on, response="") -> Correspondence:
    """Record the date of the answer (not before receipt, not in the future): its delay and whether in time; and,
    when given, its text. The text of the answer to an e-mail whose sender left their address is e-mailed to them
    (complaints.deliveries: a task through the outbox, recorded on the item); that of a letter prints as a letter
    (deliveries.letter_pdf). An e-mailed answer is dated the day it left (deliveries)."""
    check_handler(by, correspondence, "answer")
    current = register_services.lock_for_answer(Correspondence, correspondence)
    if current.is_answered:
        raise ValidationError(answered_refused(current))
    if not register_services.is_date(answered_on):
        raise ValidationError({"answered_on": "Indiquez la date de la réponse."})
    errors = check_dates(received_on=current.received_on, answered_on=answered_on, today=timezone.localdate())
    response = (response or "").strip()
    errors.update(response_errors(response))
    if errors:
        raise ValidationError(errors)
    set_answer(current, answered_on)
    current.response = response
    current.answered_by = by
    if current.assigned_to_id is None:
        current.assigned_to = by
    current._history_user = by
    current.save()
    if response:
        # In this transaction: the outbox hands the task to the broker once committed.
        deliveries.request_delivery(current, by=by)
    correspondence.refresh_from_db()
    return correspondence


@transaction.atomic
def correspondence_delete(*, by, correspondence):
    """Delete an item entered by mistake (its history keeps a trace of it)."""
    check_handler(by, correspondence, "delete")
    correspondence._history_user = by
    correspondence.delete()


# --- delays of a prefecture -----------------------------------------------------------------------


def delays_of(prefecture):
    """The prefecture's settings row (unsaved defaults when it has none)."""
    return CorrespondenceDelays.objects.filter(prefecture=prefecture).first() or CorrespondenceDelays(
        prefecture=prefecture
    )


@transaction.atomic
def correspondence_delays_update(*, by, prefecture, elected_official_days, local_authority_days):
    """Set the prefecture's delays for elected officials' requests and letters of observation. Items already
    recorded keep the deadline computed when they were received."""
    if not access.can_manage_correspondence_delays(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture fixe ses délais de réponse.")
    errors = {}
    values = {"elected_official_days": elected_official_days, "local_authority_days": local_authority_days}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DELAY:
            errors[name] = f"Un nombre de jours ouvrés entre 1 et {MAX_DELAY}."
    if errors:
        raise ValidationError(errors)
    delays, _ = CorrespondenceDelays.objects.update_or_create(
        prefecture=prefecture,
        defaults={"elected_official_days": elected_official_days, "local_authority_days": local_authority_days},
    )
    return delays
