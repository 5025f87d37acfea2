"""Correspondence tracking and the inbox: pages and API.

Correspondence is handled like complaints: the site's referents and agents and the prefecture's quality manager
write, managers and national administrators read (403 on writes), auditors see nothing (404). Imports are seen
by their author, their prefecture's quality manager and national administrators. Notifications are their
recipient's only (another user's is a 404).
"""

from complaints.models import CorrespondenceImport, ReplyDelivery
from tests import factories
from tests.permissions.cases import API_ANONYMOUS, LOGIN, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


# --- objects of the rows (created once per row, before its roles' requests) ---------------------------


def _own(w):
    return {"pk": factories.CorrespondenceFactory(site=w.site, sender="Mme Amina Benali").pk}


def _own_answered_letter(w):
    item = factories.CorrespondenceFactory(
        site=w.site,
        answered=True,
        sender="Mme Amina Benali",
        sender_address="12 allée des Pins\n13800 Istres",
        response="Madame,\n\nVotre duplicata est prêt.",
    )
    return {"pk": item.pk}


def _failed_reply(site):
    """An answered e-mail whose answer did not reach its sender: « Renvoyer la réponse » has something to send."""
    item = factories.CorrespondenceFactory(
        site=site, email=True, answered=True, sender_email="amina.benali@exemple.fr", response="Madame, voici."
    )
    ReplyDelivery.objects.create(correspondence=item, recipient=item.sender_email, status="failed", attempts=3)
    return {"pk": item.pk}


def _own_failed(w):
    return _failed_reply(w.site)


def _foreign_failed(w):
    return _failed_reply(w.foreign_site)


def _sister(w):
    return {"pk": factories.CorrespondenceFactory(site=w.sister_site).pk}


def _foreign(w):
    return {"pk": factories.CorrespondenceFactory(site=w.foreign_site).pk}


def _import_by(role, status=CorrespondenceImport.Status.REJECTED):
    def make(w):
        batch = CorrespondenceImport.objects.create(
            prefecture=w.prefecture,
            created_by=w.users[role],
            file_name="courriers.csv",
            file_size=120,
            status=status,
            report={"errors": [{"line": 2, "field": "site", "message": "Site inconnu « 999 »."}]},
        )
        return {"pk": batch.pk}

    return make


def _agents_notification(w):
    return {"pk": factories.NotificationFactory(recipient=w.users["agent"]).pk}


# --- who gets what ----------------------------------------------------------------------------------

HANDLERS = {"quality_manager": 200, "site_referent": 200, "agent": 200}
HANDLERS_WRITE = expect(FORBIDDEN, auditor=NOT_FOUND, **HANDLERS)
SISTER_WRITE = expect(FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)
REDIRECTED_HANDLERS = expect(
    FORBIDDEN, quality_manager=REDIRECT, site_referent=REDIRECT, agent=REDIRECT, auditor=NOT_FOUND
)
QM_IMPORT = expect(NOT_FOUND, national=200, quality_manager=200)
AGENT_IMPORT = expect(NOT_FOUND, national=200, quality_manager=200, agent=200)

API_HANDLERS = api(FORBIDDEN, auditor=NOT_FOUND, **HANDLERS)
API_FOREIGN_READ = api(NOT_FOUND, national=200)
API_FOREIGN_WRITE = api(NOT_FOUND, national=FORBIDDEN)

HTML_CASES = [
    Case("correspondence_list", expect(200)),  # scoped: an auditor gets an empty list
    Case(
        "correspondence_list",
        expect(200),
        query="?overdue=on&due_this_week=on&status=open&kind=letter&import_batch=1",
        label="filtered",
    ),
    Case("correspondence_create", expect(FORBIDDEN, **HANDLERS)),
    Case("correspondence_detail", expect(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case(
        "correspondence_detail",
        expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister,
        label="sister",
    ),
    Case("correspondence_detail", FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("correspondence_edit", HANDLERS_WRITE, kwargs=_own, label="own"),
    Case("correspondence_edit", SISTER_WRITE, kwargs=_sister, label="sister"),
    Case("correspondence_edit", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("correspondence_answer", HANDLERS_WRITE, kwargs=_own, label="own"),
    Case("correspondence_answer", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    # The letter names the sender: those who handle the item only, once answered with a text.
    Case("correspondence_letter_pdf", HANDLERS_WRITE, kwargs=_own_answered_letter, label="own"),
    Case(
        "correspondence_letter_pdf",
        expect(FORBIDDEN, quality_manager=NOT_FOUND, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_own,
        label="not answered",
    ),
    Case("correspondence_letter_pdf", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("correspondence_resend_reply", REDIRECTED_HANDLERS, kwargs=_own_failed, method="post", label="own"),
    Case(
        "correspondence_resend_reply",
        expect(NOT_FOUND, national=FORBIDDEN, anonymous=LOGIN),
        kwargs=_foreign_failed,
        method="post",
        label="foreign",
    ),
    Case("correspondence_resend_reply", expect(405), kwargs=_own_failed, label="GET"),
    Case("correspondence_delete", HANDLERS_WRITE, kwargs=_own, label="own"),
    Case("correspondence_delete", REDIRECTED_HANDLERS, kwargs=_own, method="post", label="own POST"),
    Case(
        "correspondence_delete",
        expect(NOT_FOUND, national=FORBIDDEN, anonymous=LOGIN),
        kwargs=_foreign,
        method="post",
        label="foreign POST",
    ),
    Case("correspondence_import", expect(FORBIDDEN, **HANDLERS)),
    Case("correspondence_import_detail", QM_IMPORT, kwargs=_import_by("quality_manager"), label="quality manager's"),
    Case("correspondence_import_detail", AGENT_IMPORT, kwargs=_import_by("agent"), label="agent's"),
    Case("correspondence_import_progress", AGENT_IMPORT, kwargs=_import_by("agent"), label="agent's"),
    # « Relancer » a failed import: its author or the prefecture's quality manager (national administrators read).
    Case(
        "correspondence_import_retry",
        expect(NOT_FOUND, national=FORBIDDEN, quality_manager=REDIRECT, agent=REDIRECT, anonymous=LOGIN),
        kwargs=_import_by("agent", status="failed"),
        method="post",
        label="agent's failed",
    ),
    Case("correspondence_delays", expect(FORBIDDEN, quality_manager=200)),
    # The inbox: everyone has one; another user's notification does not exist.
    Case("notification_list", expect(200)),
    Case("notification_list", expect(200), query="?afficher=toutes", label="all"),
    Case("notification_open", expect(NOT_FOUND, agent=REDIRECT), kwargs=_agents_notification),
    Case(
        "notification_read",
        expect(NOT_FOUND, agent=REDIRECT),
        kwargs=_agents_notification,
        method="post",
    ),
    Case("notification_read", expect(405), kwargs=_agents_notification, label="GET"),
    Case("notification_read_all", expect(REDIRECT), method="post"),
]

NEW_LETTER = {"kind": "letter", "received_on": "2026-03-02", "subject": "Demande de duplicata de carte grise"}

API_CASES = [
    Case("api:correspondence-list", api(200)),
    Case("api:correspondence-list", api(200), query="?overdue=true&kind=email&status=open", label="filtered"),
    Case(
        "api:correspondence-list",
        # For an auditor the site is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, quality_manager=201, site_referent=201, agent=201, auditor=400),
        method="post",
        data=lambda w: {**NEW_LETTER, "site": w.site.pk},
        label="create",
    ),
    Case("api:correspondence-detail", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:correspondence-detail", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case(
        "api:correspondence-detail",
        API_HANDLERS,
        kwargs=_own,
        method="patch",
        data={"subject": "Objet corrigé"},
        label="edit own",
    ),
    Case(
        "api:correspondence-detail",
        API_FOREIGN_WRITE,
        kwargs=_foreign,
        method="patch",
        data={"subject": "Objet corrigé"},
        label="edit foreign",
    ),
    Case(
        "api:correspondence-detail",
        api(FORBIDDEN, quality_manager=204, site_referent=204, agent=204, auditor=NOT_FOUND),
        kwargs=_own,
        method="delete",
        label="delete own",
    ),
    Case(
        "api:correspondence-answer",
        API_HANDLERS,
        kwargs=_own,
        method="post",
        data={"answered_on": "2026-03-05"},
        label="own",
    ),
    Case(
        "api:correspondence-answer",
        API_FOREIGN_WRITE,
        kwargs=_foreign,
        method="post",
        data={"answered_on": "2026-03-05"},
        label="foreign",
    ),
    Case("api:correspondence-history", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:correspondence-history", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("api:correspondence-deliveries", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:correspondence-deliveries", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case(
        "api:correspondence-resend-reply",
        api(FORBIDDEN, auditor=NOT_FOUND, **dict.fromkeys(HANDLERS, 201)),
        kwargs=_own_failed,
        method="post",
        label="own",
    ),
    Case("api:correspondence-resend-reply", API_FOREIGN_WRITE, kwargs=_foreign_failed, method="post", label="foreign"),
    # The matrix sends JSON: whoever may import gets 415 (the endpoint wants a multipart upload), the others 403.
    Case("api:correspondence-import", api(FORBIDDEN, quality_manager=415, site_referent=415, agent=415), method="post"),
    Case("api:notification-list", api(200)),
    Case("api:notification-list", api(200), query="?read=false&kind=complaint_overdue", label="filtered"),
    Case("api:notification-detail", api(NOT_FOUND, agent=200), kwargs=_agents_notification),
    Case("api:notification-read", api(NOT_FOUND, agent=200), kwargs=_agents_notification, method="post"),
    Case("api:notification-read-all", api(200), method="post"),
]

CASES = HTML_CASES + API_CASES
