"""E-mails received by the prefectures' mailboxes (complaints.inbound): the triage page and the API.

The register's handlers of the prefecture (its quality manager, the referents and agents of its sites) triage its
messages; national administrators and managers, who only read the registers, do not see them (403 on the page,
an empty list in the API, 404 on a message); auditors neither. Another prefecture's message is a 404. An
attachment is served to those who may read its message (404 otherwise).
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from complaints.models import InboundAttachment, InboundMessage
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302
PDF = b"%PDF-1.4\n%%EOF\n"


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def _message(prefecture, **fields):
    return InboundMessage.objects.create(
        prefecture=prefecture,
        message_id=f"<{timezone.now().timestamp()}-{InboundMessage.objects.count()}@exemple.fr>",
        received_at=timezone.now(),
        sender_name="Amina Benali",
        sender_email="amina.benali@exemple.fr",
        subject="Attente au guichet",
        body="J'ai attendu deux heures.",
        status=InboundMessage.Status.TRIAGE,
        **fields,
    )


def _own(w):
    return {"pk": _message(w.prefecture).pk}


def _foreign(w):
    return {"pk": _message(w.foreign_prefecture).pk}


def _attachment_of(prefecture_of):
    def make(w):
        message = _message(prefecture_of(w))
        attachment = InboundAttachment.objects.create(
            message=message,
            file=ContentFile(PDF, name="ticket.pdf"),
            name="ticket.pdf",
            size=len(PDF),
            content_type="application/pdf",
        )
        return {"pk": attachment.pk}

    return make


HANDLERS = {"quality_manager": 200, "site_referent": 200, "agent": 200}
HANDLERS_REDIRECTED = {"quality_manager": REDIRECT, "site_referent": REDIRECT, "agent": REDIRECT}

HTML_CASES = [
    Case("inbound_list", expect(FORBIDDEN, **HANDLERS)),
    Case("inbound_list", expect(FORBIDDEN, **HANDLERS), query="?page=2", label="page 2"),
    # No site chosen: the form's error is flashed and the page shown again (a redirect); other roles are refused.
    Case("inbound_file", expect(FORBIDDEN, **HANDLERS_REDIRECTED), kwargs=_own, method="post", label="own"),
    Case(
        "inbound_file",
        expect(FORBIDDEN, quality_manager=NOT_FOUND, site_referent=NOT_FOUND, agent=NOT_FOUND),
        kwargs=_foreign,
        method="post",
        label="foreign",
    ),
    Case("inbound_file", expect(405), kwargs=_own, label="GET"),
    Case("inbound_discard", expect(FORBIDDEN, **HANDLERS_REDIRECTED), kwargs=_own, method="post", label="own"),
    Case(
        "inbound_discard",
        expect(FORBIDDEN, quality_manager=NOT_FOUND, site_referent=NOT_FOUND, agent=NOT_FOUND),
        kwargs=_foreign,
        method="post",
        label="foreign",
    ),
    Case("inbound_discard", expect(405), kwargs=_own, label="GET"),
    Case("inbound_attachment", expect(NOT_FOUND, **HANDLERS), kwargs=_attachment_of(lambda w: w.prefecture)),
    Case(
        "inbound_attachment",
        expect(NOT_FOUND),
        kwargs=_attachment_of(lambda w: w.foreign_prefecture),
        label="foreign",
    ),
]

API_CASES = [
    Case("api:inbound-message-list", api(200)),  # scoped: an empty list for those who do not triage
    Case("api:inbound-message-list", api(200), query="?status=filed", label="filtered"),
    Case("api:inbound-message-detail", api(NOT_FOUND, **HANDLERS), kwargs=_own, label="own"),
    Case("api:inbound-message-detail", api(NOT_FOUND), kwargs=_foreign, label="foreign"),
    Case(
        "api:inbound-message-file",
        api(NOT_FOUND, **HANDLERS),
        kwargs=_own,
        method="post",
        data=lambda w: {"site": w.site.pk, "kind": "email"},
        label="own",
    ),
    Case(
        "api:inbound-message-file",
        api(NOT_FOUND),
        kwargs=_foreign,
        method="post",
        data=lambda w: {"site": w.foreign_site.pk},
        label="foreign",
    ),
    Case("api:inbound-message-discard", api(NOT_FOUND, **HANDLERS), kwargs=_own, method="post", label="own"),
    Case("api:inbound-message-discard", api(NOT_FOUND), kwargs=_foreign, method="post", label="foreign"),
]

CASES = HTML_CASES + API_CASES
