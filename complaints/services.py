"""Writes on the register of complaints and suggestions, and on the prefectures' reply templates.

Every function is keyword-only, takes its actor (``by``; none for the public form), asks accounts.access what
the actor may do, raises ``PermissionDenied`` or ``ValidationError`` (French messages, by field) and writes in
one transaction: nothing is half-saved. ``due_on`` is computed here (complaints.deadlines, in the site's calendar)
and recomputed here only, when the site or the date of receipt changes. History rows carry the actor.
"""

import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.notifications import absolute_url
from complaints import deadlines, deliveries, references, replies
from complaints.models import REQUESTER_FIELDS, Complaint, ReplyTemplate, retention_months
from complaints.register import services as register_services
from complaints.register.services import assignable_users as assignable_users  # the views ask here
from qualipref.lib.dates import short_date
from qualipref.lib.models import refuse_other_fields

logger = logging.getLogger(__name__)

Status = Complaint.Status

POSTCODE = re.compile(r"\d{5}")
DESCRIPTION_MAX_LENGTH = 10_000
RESPONSE_MAX_LENGTH = 20_000
# The fields of a complaint its edit may change, in the order the API's write serializer lists them.
FIELDS = (
    "site",
    "service",
    "kind",
    "channel",
    "received_on",
    "category",
    "engagement",
    "description",
    *REQUESTER_FIELDS,
    "assigned_to",
)
EDITABLE_FIELDS = frozenset(FIELDS)
TEMPLATE_FIELDS = frozenset({"title", "body", "is_active"})


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- validation shared by creation and edits ----------------------------------------------------------


def _clean_texts(complaint):
    complaint.description = (complaint.description or "").strip()
    for name in REQUESTER_FIELDS:
        setattr(complaint, name, (getattr(complaint, name) or "").strip())


def _check(complaint, errors, *, today):
    """Fill ``errors`` with what is wrong with the complaint's fields (French, by field)."""
    if complaint.kind not in Complaint.Kind.values:
        errors.setdefault("kind", "Nature inconnue : réclamation ou suggestion.")
    if complaint.channel not in Complaint.Channel.values:
        errors.setdefault("channel", "Canal de réception inconnu.")
    if complaint.category not in Complaint.Category.values:
        errors.setdefault("category", "Thème inconnu.")
    if complaint.service is not None and complaint.service.site_id != complaint.site_id:
        errors.setdefault("service", "Ce service n'appartient pas au site choisi.")
    received_on = complaint.received_on
    if not register_services.is_date(received_on):
        errors.setdefault("received_on", "Indiquez la date de réception.")
    elif received_on > today:
        errors.setdefault("received_on", "La date de réception ne peut pas être dans le futur.")
    elif complaint.answered_on is not None and received_on > complaint.answered_on:
        errors.setdefault(
            "received_on",
            f"La date de réception ne peut pas suivre la date de la réponse ({short_date(complaint.answered_on)}).",
        )
    if not complaint.description:
        errors.setdefault("description", "Décrivez la réclamation ou la suggestion.")
    elif len(complaint.description) > DESCRIPTION_MAX_LENGTH:
        errors.setdefault("description", f"La description dépasse {DESCRIPTION_MAX_LENGTH} caractères.")
    if complaint.requester_email:
        try:
            validate_email(complaint.requester_email)
        except ValidationError:
            errors.setdefault("requester_email", "Saisissez une adresse électronique valide (nom@exemple.fr).")
    if complaint.requester_postcode and not POSTCODE.fullmatch(complaint.requester_postcode):
        errors.setdefault("requester_postcode", "Le code postal s'écrit avec cinq chiffres, par exemple 13200.")
    for name in REQUESTER_FIELDS:
        limit = Complaint._meta.get_field(name).max_length
        if len(getattr(complaint, name)) > limit:
            errors.setdefault(name, f"{limit} caractères au plus.")


ASSIGNEE_REFUSED = (
    "La réclamation ne peut être attribuée qu'à un agent ou au référent du site, ou au responsable qualité."
)


def _assignee_error(user, complaint):
    """Why ``user`` may not be assigned this complaint (None when they may)."""
    return register_services.assignee_error(user, complaint, ASSIGNEE_REFUSED)


def _compute_deadline(complaint):
    """Store the due date of the complaint, and the delay of its answer when it has one, from its site's calendar."""
    complaint.due_on = deadlines.due_date(complaint.site, complaint.received_on)
    register_services.set_answer(complaint, complaint.answered_on)


def _save_new(complaint, *, by):
    complaint.prefecture = complaint.site.prefecture
    _compute_deadline(complaint)
    complaint.reference = references.next_reference(
        kind=complaint.kind, department_id=complaint.prefecture.department_id, year=complaint.received_on.year
    )
    complaint._history_user = by
    complaint.save()
    return complaint


# --- creation -----------------------------------------------------------------------------------------


def _check_requester_fields(requester):
    unknown = set(requester) - set(REQUESTER_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")


def _record(site, requester, *, by, acknowledge=False, reason=None, category=None, assigned_to=None, **fields):
    """Check and save a new complaint of ``site`` and its prefecture (on « autre » when no theme is given, the
    requester's fields blank when not given); ``acknowledge``: e-mail the requester once committed, when they gave
    an address; ``reason``: how it arrived, in its history's creation line."""
    site = register_services.site_with_prefecture(site)
    complaint = Complaint(
        site=site,
        prefecture=site.prefecture,
        category=category or Complaint.Category.OTHER,
        assigned_to=assigned_to,
        created_by=by,
        **fields,
        **{name: requester.get(name) or "" for name in REQUESTER_FIELDS},
    )
    _clean_texts(complaint)
    errors = {}
    _check(complaint, errors, today=timezone.localdate())
    message = _assignee_error(assigned_to, complaint)
    if message:
        errors.setdefault("assigned_to", message)
    _raise(errors)
    complaint._change_reason = reason
    _save_new(complaint, by=by)
    if acknowledge and complaint.requester_email:
        transaction.on_commit(lambda: send_acknowledgement(complaint.pk))
    return complaint


@transaction.atomic
def complaint_create(
    *,
    by,
    site,
    channel,
    received_on,
    description,
    kind=Complaint.Kind.COMPLAINT,
    service=None,
    category=Complaint.Category.OTHER,
    engagement=None,
    assigned_to=None,
    **requester,
) -> Complaint:
    """Record a complaint or suggestion received on a site (box, letter, counter, phone, e-mail...)."""
    if not access.can_record_complaint(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de réclamation pour ce site.")
    _check_requester_fields(requester)
    return _record(
        site,
        requester,
        by=by,
        service=service,
        kind=kind,
        channel=channel,
        received_on=received_on,
        category=category,
        engagement=engagement,
        description=description,
        assigned_to=assigned_to,
        status=Status.IN_PROGRESS if assigned_to else Status.RECEIVED,
    )


@transaction.atomic
def complaint_submit(
    *, site, description, kind=Complaint.Kind.COMPLAINT, service=None, category=None, **requester
) -> Complaint:
    """A complaint or suggestion left by a user on the public e-réclamation form (no actor): received today on
    the web channel; an acknowledgement is e-mailed once saved when the user gave an address."""
    _check_requester_fields(requester)
    errors = {}
    if site is None or not site.is_active:
        errors["site"] = "Choisissez un site ouvert au public dans la liste."
    if service is not None and not service.is_active:
        errors["service"] = "Choisissez un service ouvert au public dans la liste."
    _raise(errors)
    return _record(
        site,
        requester,
        by=None,
        acknowledge=True,
        service=service,
        kind=kind,
        channel=Complaint.Channel.WEB,
        received_on=timezone.localdate(),
        category=category,
        description=description,
    )


@transaction.atomic
def complaint_record_email(*, site, received_on, description, by=None, **requester) -> Complaint:
    """A complaint that arrived by e-mail (complaints.inbound): recorded on the e-mail channel by the mailbox's
    task (no actor: its rule chose the site) or by a handler from the triage (``by``, who must record on the
    site); acknowledged by e-mail after the commit, like a complaint of the public form."""
    if by is not None and not access.can_record_complaint(by, site):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de réclamation pour ce site.")
    _check_requester_fields(requester)
    return _record(
        site,
        requester,
        by=by,
        acknowledge=True,
        reason=register_services.MAILBOX_REASON,
        kind=Complaint.Kind.COMPLAINT,
        channel=Complaint.Channel.EMAIL,
        received_on=received_on,
        description=description,
    )


def send_acknowledgement(complaint_id):
    """E-mail the requester that their complaint was received, with its reference and the date of the answer.
    Runs after the commit: a mail server that fails is logged, the complaint stays recorded."""
    complaint = Complaint.objects.select_related("site", "prefecture", "service").get(pk=complaint_id)
    if not complaint.requester_email:
        return
    context = {
        "complaint": complaint,
        "retention_months": retention_months(),
        "tracking_url": absolute_url(reverse("public_complaint_track")),
    }
    subject = f"{complaint.get_kind_display()} {complaint.reference} : nous avons bien reçu votre demande"
    try:
        send_mail(
            subject,
            render_to_string("complaints/emails/acknowledgement.txt", context),
            None,
            [complaint.requester_email],
        )
    except Exception:  # noqa: BLE001 - the complaint is recorded; a failing mail server must not hide it
        logger.exception("Accusé de réception de %s non envoyé", complaint.reference)


# --- edits ----------------------------------------------------------------------------------------------

CLOSED_REFUSED = "Une réclamation close ne se modifie plus."
NOT_OPEN_REFUSED = "Cette réclamation a déjà reçu sa réponse : elle ne s'attribue plus."


def answered_refused(complaint):
    return f"Cette réclamation a déjà reçu une réponse le {short_date(complaint.answered_on)}."


class _Complaints(register_services.Register):
    model = Complaint
    editable = EDITABLE_FIELDS
    refusals = {
        # Someone who may see the complaint but not handle it (page or API: the same words).
        "handle": "Vous ne pouvez pas traiter cette réclamation : vous la consultez seulement.",
        "edit": "Vous ne pouvez pas modifier cette réclamation : vous la consultez seulement.",
        "reassign": "Vous ne pouvez pas attribuer cette réclamation : vous la consultez seulement.",
        "answer": "Vous ne pouvez pas répondre à cette réclamation : vous la consultez seulement.",
        "close": "Vous ne pouvez pas clore cette réclamation : vous la consultez seulement.",
        "create_action": "Vous ne pouvez pas créer d'action à partir de cette réclamation.",
    }
    other_prefecture = "Une réclamation ne change pas de préfecture : choisissez un site de la même préfecture."
    site_refused = "Vous ne pouvez pas rattacher la réclamation à ce site."

    may_handle = staticmethod(access.can_handle_complaint)
    may_record = staticmethod(access.can_record_complaint)
    assignee_error = staticmethod(_assignee_error)

    def check_editable(self, item):
        if item.status == Status.CLOSED:
            raise ValidationError(CLOSED_REFUSED)

    def check(self, item, errors, *, today):
        if item.category in (None, ""):
            item.category = Complaint.Category.OTHER
        _clean_texts(item)
        _check(item, errors, today=today)

    def assigned(self, item):
        if item.assigned_to_id is not None and item.status == Status.RECEIVED:
            item.status = Status.IN_PROGRESS

    def compute_deadline(self, item):
        _compute_deadline(item)


COMPLAINTS = _Complaints()


def check_handler(by, complaint, action="handle"):
    """PermissionDenied with the one message of the refusal of ``action`` (the pages and the API ask here)."""
    COMPLAINTS.check_handler(by, complaint, action)


@transaction.atomic
def complaint_update(*, by, complaint, **fields) -> Complaint:
    """Change what describes a complaint. A new site (of the same prefecture) or date of receipt recomputes its
    due date, and the delay of its answer. On any error the complaint is left as it was (the flow of both
    registers: complaints.register.services.Register.update)."""
    return COMPLAINTS.update(by=by, item=complaint, fields=fields)


@transaction.atomic
def complaint_reassign(*, by, complaint, assigned_to) -> Complaint:
    """Give the complaint to one of the people who handle it (None: nobody yet); a received complaint given to
    someone is in progress."""
    check_handler(by, complaint, "reassign")
    if not complaint.is_open:
        raise ValidationError(NOT_OPEN_REFUSED)
    message = _assignee_error(assigned_to, complaint)
    if message:
        raise ValidationError({"assigned_to": message})
    complaint.assigned_to = assigned_to
    COMPLAINTS.assigned(complaint)
    complaint._history_user = by
    complaint.save()
    return complaint


@transaction.atomic
def complaint_answer(*, by, complaint, answered_on, response) -> Complaint:
    """Record the answer: its date (not before receipt, not in the future) and its text. Stores whether it came
    in time and its delay in working days. When the requester left an e-mail address, the answer is e-mailed to
    them (complaints.deliveries: a task through the outbox, recorded on the complaint); once it has left,
    ``answered_on`` becomes the day it was sent (the commitment is about what the person receives)."""
    check_handler(by, complaint, "answer")
    # Locked and read again: two agents answering at once do not both succeed.
    current = register_services.lock_for_answer(Complaint, complaint)
    if current.is_answered:
        raise ValidationError(answered_refused(current))
    errors = {}
    today = timezone.localdate()
    if not register_services.is_date(answered_on):
        errors["answered_on"] = "Indiquez la date de la réponse."
    elif answered_on < current.received_on:
        errors["answered_on"] = (
            f"La date de réponse ne peut pas précéder la date de réception ({short_date(current.received_on)})."
        )
    elif answered_on > today:
        errors["answered_on"] = "La date de réponse ne peut pas être dans le futur."
    response = (response or "").strip()
    if not response:
        errors["response"] = "Saisissez la réponse apportée au demandeur."
    elif len(response) > RESPONSE_MAX_LENGTH:
        errors["response"] = f"La réponse dépasse {RESPONSE_MAX_LENGTH} caractères."
    else:
        try:
            replies.check_response(response)
        except ValidationError as error:
            errors["response"] = error.messages[0]
    _raise(errors)
    register_services.set_answer(current, answered_on)
    current.answered_by = by
    current.response = response
    current.status = Status.ANSWERED
    if current.assigned_to_id is None:
        current.assigned_to = by
    current._history_user = by
    current.save()
    # The answer goes to the requester's inbox (in this transaction: the outbox sends the task once committed).
    deliveries.request_delivery(current, by=by)
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_close(*, by, complaint) -> Complaint:
    """Close an answered complaint (nothing more to do); the retention period of its personal data starts."""
    check_handler(by, complaint, "close")
    if complaint.status != Status.ANSWERED:
        if complaint.status == Status.CLOSED:
            raise ValidationError("Cette réclamation est déjà close.")
        raise ValidationError("Répondez d'abord à la réclamation : seule une réclamation répondue se clôt.")
    complaint.status = Status.CLOSED
    complaint.closed_on = max(timezone.localdate(), complaint.answered_on)
    complaint._history_user = by
    complaint.save()
    return complaint


# --- actions of the action plan -------------------------------------------------------------------------


def complaint_create_action(*, by, complaint, title, **fields):
    """Turn the complaint into an action of its prefecture's current action plan (source « réclamation »,
    same site and engagement), through engagements.services.actions."""
    from engagements.models import Action
    from engagements.services.actions import action_create_from_source

    check_handler(by, complaint, "create_action")
    return action_create_from_source(
        by=by,
        source_object=complaint,
        source=Action.Source.COMPLAINT,
        prefecture=complaint.prefecture,
        title=title,
        **fields,
    )


def actions_of(complaint, user):
    """The actions created from the complaint that the user may see."""
    from engagements.models import Action

    return Action.objects.for_user(user).from_source(complaint).order_by("pk")


# --- reply templates ------------------------------------------------------------------------------------


def _check_template(template, errors):
    template.title = (template.title or "").strip()
    template.body = (template.body or "").strip()
    if not template.title:
        errors.setdefault("title", "Indiquez l'intitulé du modèle.")
    if not template.body:
        errors.setdefault("body", "Saisissez le texte du modèle.")
    else:
        try:
            replies.check_template(template.body)
        except ValidationError as error:
            errors.setdefault("body", error.messages[0])
    duplicate = ReplyTemplate.objects.filter(prefecture_id=template.prefecture_id, title__iexact=template.title)
    if template.pk:
        duplicate = duplicate.exclude(pk=template.pk)
    if template.title and duplicate.exists():
        errors.setdefault("title", "Un modèle de la préfecture porte déjà cet intitulé.")


@transaction.atomic
def reply_template_create(*, by, prefecture, title, body, is_active=True) -> ReplyTemplate:
    if not access.can_manage_reply_templates(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture rédige ses modèles de réponse.")
    template = ReplyTemplate(prefecture=prefecture, title=title, body=body, is_active=is_active)
    errors = {}
    _check_template(template, errors)
    _raise(errors)
    template.save()
    return template


@transaction.atomic
def reply_template_update(*, by, template, **fields) -> ReplyTemplate:
    if not access.can_manage_reply_templates(by, template.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses modèles de réponse.")
    refuse_other_fields(fields, TEMPLATE_FIELDS)
    for name, value in fields.items():
        setattr(template, name, value)
    errors = {}
    _check_template(template, errors)
    if errors:
        template.refresh_from_db()
        raise ValidationError(errors)
    template.save()
    return template


def reply_template_render(*, template, complaint, by=None):
    """The template filled for the complaint, or a correspondence item (load its site, service and prefecture with
    it), signed by ``by``."""
    if template.prefecture_id != complaint.prefecture_id:
        raise ValidationError({"template": "Ce modèle de réponse appartient à une autre préfecture."})
    return replies.render(template.body, complaint, by=by)
