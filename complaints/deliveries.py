"""The answer of a complaint, or of a correspondence item (a letter, an e-mail), as the person receives it: e-mailed
(HTML and text: the prefecture, the reference, the answer), or a letter to print. One code for both registers:
``reply_of(item)`` reads what the message says from either (``Reply``).

- ``request_delivery(item, by)``: called by complaints.services.complaint_answer and
  complaints.correspondence.services.correspondence_answer in their transaction when there is an address to write
  to (``Reply.email``): a pending ``ReplyDelivery`` and its task (``complaints.tasks.send_reply``) recorded in the
  outbox (qualipref.outbox): a broker that is away delays the e-mail, never loses it.
- ``deliver(pk)``: the task's body, idempotent (a delivery sent or failed is left as is). Each attempt is counted;
  a refusal of the SMTP server (« 550 … ») or a server out of reach is written on the row in French, and the task
  tries again after ``RETRY_DELAYS`` until ``MAX_ATTEMPTS``; then the delivery is failed. Once sent, the item's
  answer is dated the day it left (``answered_on``, its delay, in time or not).
- A delivery that fails for good is told to the agent who sent it and to whoever the item is assigned to (a
  notification without personal data: the server's words stay on the item's page). ``resend_reply(item, by)``
  sends the answer again once its address is corrected (« Modifier »), or after the mail server came back.
- ``sweep_stale_deliveries``: deliveries left pending (a worker lost, a retry the broker did not take) are sent
  again through the outbox, or failed (qualipref.outbox.sweep_items).

- ``letter_pdf(item)``: the postal reply, a letter on the prefecture's letterhead (Marianne identity, the
  requester's address block, the reference, the date, the signatory) to print, as a PDF (WeasyPrint).

The answer sent is the one recorded, placeholders filled when the agent chose the template (complaints.replies);
it is checked again before it leaves: a passage left to write (« [préciser…] », « {nom} ») is never sent.
"""

import dataclasses
import datetime
import logging
import smtplib

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import notifications
from accounts.notifications import absolute_url
from complaints import replies
from complaints.models import Complaint, Correspondence, ReplyDelivery
from complaints.register import services as register_services
from qualipref import outbox

logger = logging.getLogger(__name__)

TASK = "complaints.tasks.send_reply"
MAX_ATTEMPTS = 3
RETRY_DELAYS = (60, 300)  # seconds before the 2nd and the 3rd attempt
Status = ReplyDelivery.Status

NO_ADDRESS = "Le demandeur n'a plus d'adresse électronique (données effacées) : la réponse n'a pas été envoyée."
FAILED_KIND = "reply_failed"
FAILED_TITLE = "Réponse non remise : {reference}"
FAILED_BODY = (
    "Le courriel de la réponse n'est pas parvenu à son destinataire. Vérifiez son adresse (« Modifier ») puis "
    "renvoyez la réponse depuis la page, ou imprimez la lettre de réponse."
)
RESEND_REFUSALS = {
    None: "La réponse n'a pas été envoyée par courriel : il n'y a rien à renvoyer.",
    "pending": "La réponse est en cours d'envoi : attendez le résultat avant de la renvoyer.",
    "sent": "La réponse est déjà parvenue à son destinataire : elle n'est pas renvoyée.",
}
RESEND_NO_ADDRESS = (
    "Il n'y a plus d'adresse électronique où renvoyer la réponse : saisissez-la (« Modifier ») ou imprimez la lettre."
)


@dataclasses.dataclass(frozen=True)
class Reply:
    """What the answer to a complaint or to a correspondence item says to its person, read from either."""

    item: object
    kind: str  # « Réclamation », « Courriel »…
    reference: str
    received_on: datetime.date
    answered_on: datetime.date | None
    answered_by: object
    response: str
    site: object
    prefecture: object
    name: str
    email: str  # where the answer is e-mailed; "" when it is not
    address_lines: list
    tracking: bool  # « Suivre ma demande » knows the item


def _lines(address):
    return [line.strip() for line in (address or "").replace(";", ",").replace("\n", ",").split(",") if line.strip()]


def reply_of(item):
    """The ``Reply`` of a complaint or of a correspondence item (its site and prefecture loaded with it)."""
    common = {
        "item": item,
        "kind": item.get_kind_display(),
        "received_on": item.received_on,
        "answered_on": item.answered_on,
        "answered_by": item.answered_by,
        "response": item.response,
        "site": item.site,
        "prefecture": item.prefecture,
    }
    if isinstance(item, Correspondence):
        return Reply(
            **common,
            reference=item.label,
            name=item.sender,
            email=item.sender_email if item.kind == Correspondence.Kind.EMAIL else "",
            address_lines=_lines(item.sender_address),
            tracking=False,
        )
    address = _lines(item.requester_address)
    if item.requester_postcode and item.requester_postcode not in (item.requester_address or ""):
        address.append(item.requester_postcode)
    return Reply(
        **common,
        reference=item.reference,
        name=item.requester_name,
        email=item.requester_email,
        address_lines=address,
        tracking=True,
    )


def _owner(item):
    """The keyword naming ``item`` on a ReplyDelivery."""
    return {"correspondence" if isinstance(item, Correspondence) else "complaint": item}


STALE_FAILURE = "L'envoi n'a pas abouti après {attempts} tentatives (service d'envoi indisponible)."


def request_delivery(item, *, by):
    """A pending e-mail of the answer of ``item`` (a complaint or a correspondence item) to its person, and its
    task in the outbox (in the caller's transaction); None when there is no e-mail address to write to."""
    recipient = reply_of(item).email
    if not recipient:
        return None
    delivery = ReplyDelivery.objects.create(
        **_owner(item), channel=ReplyDelivery.Channel.EMAIL, recipient=recipient, sent_by=by
    )
    outbox.enqueue(TASK, delivery.pk, key=outbox.key_of(delivery))
    return delivery


def subject_of(reply):
    return f"Réponse à votre {reply.kind.lower()} {reply.reference} – {reply.prefecture.name}"


def message_of(delivery):
    """The e-mail of a delivery: text and HTML parts, from DEFAULT_FROM_EMAIL to its recipient."""
    reply = reply_of(delivery.item)
    context = {
        "reply": reply,
        "prefecture": reply.prefecture,
        "tracking_url": absolute_url(reverse("public_complaint_track")) if reply.tracking else "",
    }
    message = EmailMultiAlternatives(
        subject=subject_of(reply),
        body=render_to_string("complaints/emails/reply.txt", context),
        to=[delivery.recipient],
        headers={"Message-ID": make_msgid(domain=DNS_NAME), "X-Qualipref-Reference": reply.reference},
    )
    message.attach_alternative(render_to_string("complaints/emails/reply.html", context), "text/html")
    return message


def refusal_message(error):
    """What the mail server said, in French, for the page."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (None, b""))
        return f"Le serveur de messagerie a refusé le destinataire ({code} {_text(text)})."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"Le serveur de messagerie a refusé le message ({error.smtp_code} {_text(error.smtp_error)})."
    return f"Le serveur de messagerie est injoignable ({error.__class__.__name__} : {error})."


def _text(value):
    return (value.decode(errors="replace") if isinstance(value, bytes) else str(value)).strip()


def deliver(pk):
    """Send the delivery ``pk`` once (the task's body). Returns the delivery (None when it no longer exists); it is
    still pending when the task should try again."""
    with transaction.atomic():
        # Locked while it is sent: two deliveries of one task message never send two e-mails.
        delivery = (
            ReplyDelivery.objects.select_for_update(of=("self",))
            .select_related(
                "complaint__prefecture",
                "complaint__site",
                "complaint__answered_by",
                "correspondence__prefecture",
                "correspondence__site",
                "correspondence__answered_by",
            )
            .filter(pk=pk)
            .first()
        )
        if delivery is None or delivery.status != Status.PENDING:
            return delivery
        delivery.attempts += 1
        reply = reply_of(delivery.item)
        try:
            if not delivery.recipient or not reply.email:
                raise ValidationError(NO_ADDRESS)
            replies.check_response(reply.response)
        except ValidationError as error:
            delivery.status, delivery.error = Status.FAILED, error.messages[0]
            delivery.save(update_fields=["status", "error", "attempts", "updated_at"])
            _tell_of_failure(delivery)
            return delivery
        message = message_of(delivery)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            delivery.error = refusal_message(error)[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Status.FAILED
                _tell_of_failure(delivery)
            logger.warning("Réponse %s non envoyée (tentative %s) : %s", reply.reference, delivery.attempts, error)
        else:
            delivery.status, delivery.error, delivery.sent_at = Status.SENT, "", timezone.now()
            delivery.message_id = message.extra_headers["Message-ID"]
            _answered_the_day_sent(delivery)
        delivery.save(update_fields=["status", "error", "attempts", "sent_at", "message_id", "updated_at"])
    return delivery


def _tell_of_failure(delivery):
    """Notify the agent who sent the answer and the item's assignee that it did not arrive: the reference and a
    link, never the address nor the server's words (they may quote it)."""
    item = delivery.item
    reference = reply_of(item).reference
    detail = "correspondence_detail" if isinstance(item, Correspondence) else "complaint_detail"
    notifications.notify(
        recipients=[delivery.sent_by_id, item.assigned_to_id],
        key=f"reply-failed:{delivery.pk}",
        kind=FAILED_KIND,
        title=FAILED_TITLE.format(reference=reference),
        body=FAILED_BODY,
        url=reverse(detail, kwargs={"pk": item.pk}),
    )


def resend_reply(item, *, by):
    """E-mail the answer of ``item`` again when its last sending failed: to the address the item holds now (its
    requester's or sender's, corrected through « Modifier »). The caller has checked that ``by`` handles the item.
    Returns the new pending delivery; a French ValidationError when there is nothing to send again."""
    with transaction.atomic():
        last = ReplyDelivery.objects.select_for_update().filter(**_owner(item)).order_by("-pk").first()
        state = None if last is None else last.status
        if state != Status.FAILED:
            raise ValidationError(RESEND_REFUSALS[state])
        if not reply_of(item).email:
            raise ValidationError(RESEND_NO_ADDRESS)
        return request_delivery(item, by=by)


def may_resend(item_deliveries):
    """Whether the page offers « Renvoyer la réponse »: the item's last sending failed (``item_deliveries``: its
    sendings, oldest first, as ``deliveries_of`` reads them)."""
    return bool(item_deliveries) and item_deliveries[-1].status == Status.FAILED


def _answered_the_day_sent(delivery):
    """The item's answer dated the day its e-mail left (the commitment is about what the person receives): its
    delay and whether it came in time follow, as the agent's date gave them until then."""
    item = delivery.item
    sent_on = timezone.localdate(delivery.sent_at)
    if item.answered_on == sent_on:
        return
    register_services.set_answer(item, sent_on)
    item._history_user = delivery.sent_by
    item.save(update_fields=["answered_on", "answer_delay", "answered_in_time", "updated_at"])


def retry_delay(delivery):
    """Seconds before the next attempt of a pending delivery (None: no more attempts)."""
    if delivery is None or delivery.status != Status.PENDING or delivery.attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1]


def sweep_stale_deliveries(*, before):
    """Deliveries pending without news since ``before``: sent again, or failed after WORK_MAX_ATTEMPTS sends."""
    stale = ReplyDelivery.objects.filter(status=Status.PENDING, updated_at__lt=before).order_by("pk")
    return outbox.sweep_items(
        stale,
        task=TASK,
        label="Envoi de réponse",
        failed=lambda attempts: {"status": Status.FAILED, "error": STALE_FAILURE.format(attempts=attempts)},
        requeued={},
        on_failed=_tell_of_failure,
    )


def deliveries_of(item):
    """The sendings of the answer of a complaint or a correspondence item, oldest first, with who asked for them.
    One query."""
    return list(ReplyDelivery.objects.filter(**_owner(item)).select_related("sent_by").order_by("pk"))


# --- the postal reply ---------------------------------------------------------------------------------------


def letter_pdf(item):
    """The PDF (bytes) of the letter answering ``item``, a complaint or a correspondence item (answered; load its
    site and prefecture with it), dated the day of the answer and signed by whoever recorded it."""
    from accounts import access
    from qualipref.lib import pdf

    reply = reply_of(item)
    signer = reply.answered_by
    role = access.handler_role(signer, item) if signer is not None else None
    return pdf.render(
        "complaints/letter_pdf.html",
        {
            "reply": reply,
            "letter_date": reply.answered_on,
            "signatory": (signer.get_full_name() or signer.username) if signer is not None else "",
            "signatory_role": role.label if role else "",
        },
    )


def letter_available(item):
    """Whether ``item`` has a letter to print: a complaint once answered; a letter (correspondence) once answered
    with the text of its answer."""
    if isinstance(item, Complaint):
        return item.is_answered
    return item.is_answered and item.kind == Correspondence.Kind.LETTER and bool(item.response)
