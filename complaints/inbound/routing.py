"""Where a message goes: the item it answers, else the first rule of its mailbox that matches, else the triage.

An answer is recognised by the reference it quotes (a complaint's « REC-13-2026-00042 », a correspondence item's
reference as our reply's subject gives it: « courriel 2026-000123 ») or by the e-mail of ours it replies to
(In-Reply-To / References against the Message-ID of the replies sent, complaints.ReplyDelivery). A reference that
no item of the prefecture bears is no error: the message is routed as a new one.
"""

import dataclasses
import re

from complaints.models import Complaint, Correspondence, ItemKind, ReplyDelivery

COMPLAINT_REFERENCE = re.compile(r"\b(?:REC|SUG)-[0-9][0-9AB][0-9]?-[0-9]{4}-[0-9]{5,}\b")
# Our reply's subject: « Réponse à votre courriel <reference> – <prefecture> » (complaints.deliveries.subject_of).
CORRESPONDENCE_REFERENCE = re.compile(r"(?i)\b(?:courriel|courrier)\s+(?:n°\s*)?([A-Za-z0-9][A-Za-z0-9/._-]{1,39})")


@dataclasses.dataclass(frozen=True)
class Destination:
    site: object
    kind: str  # ItemKind


def answered_item(prefecture_id, parsed):
    """The complaint or correspondence item of the prefecture that this message answers, or None."""
    references = COMPLAINT_REFERENCE.findall(parsed.text)
    if references:
        complaint = Complaint.objects.filter(prefecture_id=prefecture_id, reference__in=references).first()
        if complaint is not None:
            return complaint
    if parsed.replies_to:
        delivery = (
            ReplyDelivery.objects.filter(message_id__in=parsed.replies_to)
            .select_related("complaint", "correspondence")
            .first()
        )
        item = delivery and (delivery.complaint or delivery.correspondence)
        if item is not None and item.prefecture_id == prefecture_id:
            return item
    candidates = {match.rstrip(".") for match in CORRESPONDENCE_REFERENCE.findall(parsed.subject)}
    if candidates:
        return (
            Correspondence.objects.filter(prefecture_id=prefecture_id, reference__in=candidates)
            .exclude(reference="")
            .first()
        )
    return None


def destination(mailbox, parsed):
    """The site and kind of item given by the first rule that matches (rules are few: read in order), or None."""
    recipients = " ".join(parsed.recipients).lower()
    text = parsed.text.lower()
    for rule in mailbox.rules.select_related("site"):
        if rule.recipient_contains and rule.recipient_contains.lower() not in recipients:
            continue
        if rule.keyword and rule.keyword.lower() not in text:
            continue
        if rule.site.prefecture_id != mailbox.prefecture_id or not rule.site.is_active:
            continue  # a rule left pointing elsewhere sends nothing to another prefecture
        return Destination(site=rule.site, kind=ItemKind(rule.kind))
    return None
