"""Filing or discarding by hand what the rules left (pages and API): the same checks for both, French messages.

A waiting message (in triage or in quarantine) is filed as a new complaint or e-mail item of a site of its own
prefecture where the user records items (accounts.access.can_file_inbound): another prefecture's site is refused.
Its stored attachments stay with it, hence with the item.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from complaints.models import InboundMessage, ItemKind

from . import filing

Status = InboundMessage.Status

NOT_WAITING = "Ce courriel a déjà été trié : il n'attend plus rien."
SITE_REFUSED = "Choisissez un site de la préfecture du courriel sur lequel vous enregistrez les demandes."
NO_SENDER = "Ce courriel n'a pas d'expéditeur lisible : écartez-le, ou saisissez la demande à la main."


def _locked(message):
    return InboundMessage.objects.select_for_update().get(pk=message.pk)


@transaction.atomic
def inbound_file(*, by, message, site, kind) -> InboundMessage:
    """File a waiting message as a new item (``kind``: ItemKind) of ``site``."""
    if not access.can_triage_inbound(by, message):
        raise PermissionDenied("Vous ne pouvez pas trier les courriels de cette préfecture.")
    message = _locked(message)
    if not message.is_waiting:
        raise ValidationError({"site": NOT_WAITING})
    if kind not in ItemKind.values:
        raise ValidationError({"kind": "Choisissez : réclamation ou courriel."})
    if site is None or not access.can_file_inbound(by, message, site):
        raise ValidationError({"site": SITE_REFUSED})
    if not message.sender_email:
        raise ValidationError({"site": NO_SENDER})
    filing.create_item(message, site=site, kind=ItemKind(kind), by=by)
    message.status = Status.FILED
    message.reason = ""
    message.handled_by, message.handled_at = by, timezone.now()
    message.save()
    return message


@transaction.atomic
def inbound_discard(*, by, message) -> InboundMessage:
    """Leave a waiting message aside (spam, a duplicate): it stays listed nowhere, its record kept."""
    if not access.can_triage_inbound(by, message):
        raise PermissionDenied("Vous ne pouvez pas trier les courriels de cette préfecture.")
    message = _locked(message)
    if not message.is_waiting:
        raise ValidationError(NOT_WAITING)
    message.status = Status.DISCARDED
    message.handled_by, message.handled_at = by, timezone.now()
    message.save()
    return message
