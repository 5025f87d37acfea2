"""What a message becomes: a new item of a register, an answer joined to an existing item, and its attachments.

Items are created by the registers' own services (complaints.services.complaint_record_email,
complaints.correspondence.services.correspondence_record_email): reference, deadline in working days from the
message's date in Paris, acknowledgement of a complaint. Attachments go through qualipref.lib.uploads like any
upload: an executable, an unknown type or a file over 10 Mo is refused and listed with the reason, never stored.
"""

import logging
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts import access, notifications
from accounts.models import Membership
from complaints import services as complaint_services
from complaints.correspondence import services as correspondence_services
from complaints.models import Complaint, InboundAttachment, InboundMessage, ItemKind
from qualipref.lib import uploads
from qualipref.lib.dates import short_datetime

logger = logging.getLogger(__name__)

EMPTY_TEXT = "(Courriel sans texte.)"


def received_on(message):
    """The day of receipt in Paris (the deadline's day 0)."""
    return timezone.localdate(message.received_at)


def description_of(message):
    parts = [message.subject, message.body]
    text = "\n\n".join(part for part in parts if part).strip() or EMPTY_TEXT
    return text[: complaint_services.DESCRIPTION_MAX_LENGTH]


def create_item(message, *, site, kind, by=None):
    """A new complaint or e-mail item of ``site`` from the message (``by``: the handler who files it from the
    triage; None for the mailbox's task). Links it to the message."""
    if kind == ItemKind.COMPLAINT:
        message.complaint = complaint_services.complaint_record_email(
            site=site,
            received_on=received_on(message),
            description=description_of(message),
            by=by,
            requester_name=message.sender_name[:150],
            requester_email=message.sender_email,
        )
    else:
        message.correspondence = correspondence_services.correspondence_record_email(
            site=site,
            received_on=received_on(message),
            subject=message.subject or EMPTY_TEXT,
            sender=message.sender_name or message.sender_email,
            sender_email=message.sender_email,
            by=by,
        )
    return message.item


def store_attachments(message, attachments, *, written):
    """Store the attachments the upload checks accept; list the others on the message with the reason. Each file
    is added to ``written`` as soon as it is on disk: the caller deletes them if its transaction fails."""
    refused = []
    for attachment in attachments:
        name = PurePath(attachment.name.replace("\\", "/")).name[-200:] or "piece-jointe"
        file = ContentFile(attachment.content, name=name)
        try:
            kind = uploads.check_document(file, field="file")
        except ValidationError as error:
            refused.append({"name": name, "reason": " ".join(error.message_dict["file"])})
            continue
        _, content_type, extensions = uploads.DOCUMENT_TYPES[kind]
        stored = InboundAttachment(message=message, name=name, size=file.size, content_type=content_type)
        # A random name under media (the original one is kept in ``name``): no guessable paths.
        stored.file.save(f"{uuid.uuid4().hex}{extensions[0]}", file, save=False)
        written.append(stored.file)
        stored.save()
    message.refused_attachments = refused


def notify_answer(message):
    """Tell the item's handlers that its person wrote again: the agent it is assigned to, else the site's referents
    and agents and the prefecture's quality manager. No personal data in the notice (a reference, a date)."""
    item = message.item
    if item.assigned_to_id:
        recipients = [item.assigned_to]
    else:
        memberships = access.complaint_handler_memberships(
            Membership.objects.active(), prefecture_id=item.prefecture_id, site_id=item.site_id
        ).select_related("user")
        recipients = list({membership.user for membership in memberships if membership.user.is_active})
    if not recipients:
        return
    is_complaint = isinstance(item, Complaint)
    label = item.reference if is_complaint else item.label
    url = reverse("complaint_detail" if is_complaint else "correspondence_detail", args=[item.pk])
    notifications.notify(
        recipients=recipients,
        key=f"inbound:{message.pk}",
        kind="inbound_answer",
        title=f"Nouveau courriel reçu pour {label}",
        body=f"Reçu le {short_datetime(message.received_at)}.",
        url=url,
    )


def attach(message, item):
    message.status = InboundMessage.Status.ATTACHED
    if isinstance(item, Complaint):
        message.complaint = item
    else:
        message.correspondence = item
