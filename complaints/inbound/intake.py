"""One message read from a mailbox, from its raw bytes to what it became, in one transaction.

Idempotent by Message-ID within the prefecture: a message read twice (a folder read again, a UID not remembered
after a crash) is recorded once; a message without a Message-ID is known by the folder's UIDVALIDITY and its UID.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import InboundMessage

from . import filing, parsing, routing

logger = logging.getLogger(__name__)

Status = InboundMessage.Status


def fallback_id(mailbox, uid):
    """The id of a message that has no Message-ID: its place in the folder, which IMAP never gives again."""
    return f"<sans-identifiant.{mailbox.pk}.{mailbox.uid_validity or 0}.{uid}@qualipref>"


def _quarantine(mailbox, message_id, error, *, internal_date):
    return InboundMessage(
        prefecture_id=mailbox.prefecture_id,
        mailbox=mailbox,
        message_id=message_id,
        received_at=internal_date or timezone.now(),
        status=Status.QUARANTINED,
        subject=error.subject,
        reason=error.reason[:300],
    )


def _message(mailbox, parsed, message_id):
    return InboundMessage(
        prefecture_id=mailbox.prefecture_id,
        mailbox=mailbox,
        message_id=message_id,
        received_at=parsed.received_at,
        sender_name=parsed.sender_name,
        sender_email=parsed.sender_email,
        recipients=", ".join(parsed.recipients)[:500],
        subject=parsed.subject,
        body=parsed.body,
    )


def _file(mailbox, parsed, message):
    """Attach to the item it answers, else file by the mailbox's rules, else leave it to the triage."""
    item = routing.answered_item(mailbox.prefecture_id, parsed)
    if item is not None:
        filing.attach(message, item)
        return
    destination = routing.destination(mailbox, parsed)
    if destination is None:
        message.status = Status.TRIAGE
        return
    try:
        with transaction.atomic():
            filing.create_item(message, site=destination.site, kind=destination.kind)
    except ValidationError as error:
        # What the register refuses (an address it finds invalid…) waits for a person in the triage.
        message.status = Status.TRIAGE
        message.reason = "; ".join(error.messages)[:300]
        logger.info("Courriel %s laissé au tri : %s", message.message_id, message.reason)
        return
    message.status = Status.FILED


def receive(mailbox, raw, *, uid, internal_date=None):
    """Record one message of ``mailbox``; None when it was recorded already (read twice).

    When its transaction fails, the attachment files it stored are deleted: the reader reads the message again at
    its next run, and a message that keeps failing would leave a file behind every five minutes."""
    stored = []
    try:
        with transaction.atomic():
            return _receive(mailbox, raw, uid=uid, internal_date=internal_date, stored=stored)
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise


def _receive(mailbox, raw, *, uid, internal_date, stored):
    try:
        parsed = parsing.parse(raw, internal_date=internal_date)
    except parsing.Unreadable as error:
        message_id = error.message_id or fallback_id(mailbox, uid)
        if InboundMessage.objects.filter(prefecture_id=mailbox.prefecture_id, message_id=message_id).exists():
            return None
        message = _quarantine(mailbox, message_id, error, internal_date=internal_date)
        message.save()
        logger.warning("Courriel en quarantaine (%s, UID %s) : %s", mailbox, uid, error.reason)
        return message
    message_id = parsed.message_id or fallback_id(mailbox, uid)
    if InboundMessage.objects.filter(prefecture_id=mailbox.prefecture_id, message_id=message_id).exists():
        return None
    message = _message(mailbox, parsed, message_id)
    _file(mailbox, parsed, message)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same message read at the same moment by another run: the unique Message-ID keeps one.
        if InboundMessage.objects.filter(prefecture_id=mailbox.prefecture_id, message_id=message_id).exists():
            transaction.set_rollback(True)
            return None
        raise
    filing.store_attachments(message, parsed.attachments, written=stored)
    if message.refused_attachments:
        message.save(update_fields=["refused_attachments", "updated_at"])
    if message.status == Status.ATTACHED:
        filing.notify_answer(message)
    return message
