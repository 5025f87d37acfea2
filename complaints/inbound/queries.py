"""What the pages read of the messages: those of an item (its page's « Messages reçus »), the triage's list."""

from django.db.models import Prefetch

from complaints.models import Complaint, InboundAttachment, InboundMessage


def inbound_messages_of(item):
    """The messages that became or answer an item, the oldest first, with their attachments (two queries)."""
    field = "complaint" if isinstance(item, Complaint) else "correspondence"
    return list(
        InboundMessage.objects.filter(**{field: item})
        .order_by("received_at", "pk")
        .prefetch_related(Prefetch("attachments", queryset=InboundAttachment.objects.order_by("pk")))
    )


def waiting_messages(user):
    """The triage's list: messages to file by hand and quarantined ones of the user's prefectures, latest first."""
    return (
        InboundMessage.objects.for_user(user)
        .waiting()
        .select_related("prefecture")
        .prefetch_related(Prefetch("attachments", queryset=InboundAttachment.objects.order_by("pk")))
        .order_by("-received_at", "-pk")
    )
