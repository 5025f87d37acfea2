"""Complaints and suggestions: the register's pages, the public e-réclamation form and the API.

A complaint belongs to a site: its referents and agents and its prefecture's quality manager handle it; the
prefecture's managers and national administrators read it (403 on writes); auditors see nothing (404). The
public form needs no login. Reply templates belong to a prefecture: its quality manager writes them.
"""

from complaints.models import ReplyDelivery
from tests import factories
from tests.permissions.cases import API_ANONYMOUS, LOGIN, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def public(default):
    return expect(default, anonymous=default)


# --- objects of the rows (created once per row, before its roles' requests) -----------------------


def _own(w):
    """A complaint of Arles, the site of the referent and the agent."""
    return {"pk": factories.ComplaintFactory(site=w.site, with_requester=True).pk}


def _sister(w):
    return {"pk": factories.ComplaintFactory(site=w.sister_site).pk}


def _foreign(w):
    return {"pk": factories.ComplaintFactory(site=w.foreign_site).pk}


def _own_answered(w):
    return {"pk": factories.ComplaintFactory(site=w.site, answered=True).pk}


def _foreign_answered(w):
    return {"pk": factories.ComplaintFactory(site=w.foreign_site, answered=True).pk}


def _failed_reply(site):
    """An answered complaint whose e-mail to the requester failed: « Renvoyer la réponse » has something to send."""
    complaint = factories.ComplaintFactory(site=site, answered=True, with_requester=True)
    ReplyDelivery.objects.create(complaint=complaint, recipient=complaint.requester_email, status="failed", attempts=3)
    return {"pk": complaint.pk}


def _own_failed(w):
    return _failed_reply(w.site)


def _foreign_failed(w):
    return _failed_reply(w.foreign_site)


def _own_template(w):
    return {"pk": factories.ReplyTemplateFactory(prefecture=w.prefecture).pk}


def _foreign_template(w):
    return {"pk": factories.ReplyTemplateFactory(prefecture=w.foreign_prefecture).pk}


# --- who gets what ----------------------------------------------------------------------------------

HANDLERS_WRITE = expect(FORBIDDEN, quality_manager=200, site_referent=200, agent=200, auditor=NOT_FOUND)
SISTER_WRITE = expect(FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)
REDIRECTED_HANDLERS = expect(
    FORBIDDEN, quality_manager=REDIRECT, site_referent=REDIRECT, agent=REDIRECT, auditor=NOT_FOUND
)

API_HANDLERS = api(FORBIDDEN, quality_manager=200, site_referent=200, agent=200, auditor=NOT_FOUND)
API_FOREIGN_READ = api(NOT_FOUND, national=200)
API_FOREIGN_WRITE = api(NOT_FOUND, national=FORBIDDEN)

ANSWER = {"answered_on": "2026-03-05", "response": "Nous avons renforcé l'accueil aux heures d'affluence."}

HTML_CASES = [
    Case("complaint_list", expect(200)),  # scoped: an auditor gets an empty register
    Case("complaint_list", expect(200), query="?overdue=on&due_this_week=on&status=received", label="filtered"),
    Case("complaint_create", expect(FORBIDDEN, quality_manager=200, site_referent=200, agent=200)),
    Case("complaint_export_csv", expect(200)),
    Case("complaint_stats", expect(200)),
    Case("complaint_stats", expect(200), query="?year=2015&by=prefecture&period=month", label="monthly"),
    Case("complaint_detail", expect(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case(
        "complaint_detail",
        expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister,
        label="sister",
    ),
    Case("complaint_detail", FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("complaint_edit", HANDLERS_WRITE, kwargs=_own, label="own"),
    Case("complaint_edit", SISTER_WRITE, kwargs=_sister, label="sister"),
    Case("complaint_edit", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("complaint_answer", HANDLERS_WRITE, kwargs=_own, label="own"),
    Case("complaint_answer", SISTER_WRITE, kwargs=_sister, label="sister"),
    Case("complaint_answer", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("complaint_reassign", HANDLERS_WRITE, kwargs=_own, label="own"),
    Case("complaint_reassign", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("complaint_close", REDIRECTED_HANDLERS, kwargs=_own_answered, method="post", label="own"),
    Case(
        "complaint_close",
        expect(NOT_FOUND, national=FORBIDDEN, anonymous=LOGIN),
        kwargs=_foreign_answered,
        method="post",
        label="foreign",
    ),
    Case("complaint_close", expect(405), kwargs=_own_answered, label="GET"),
    Case("complaint_resend_reply", REDIRECTED_HANDLERS, kwargs=_own_failed, method="post", label="own"),
    Case(
        "complaint_resend_reply",
        expect(NOT_FOUND, national=FORBIDDEN, anonymous=LOGIN),
        kwargs=_foreign_failed,
        method="post",
        label="foreign",
    ),
    Case("complaint_resend_reply", expect(405), kwargs=_own_failed, label="GET"),
    # The letter names the requester: those who handle the complaint only, once answered.
    Case("complaint_letter_pdf", HANDLERS_WRITE, kwargs=_own_answered, label="own"),
    Case(
        "complaint_letter_pdf",
        expect(FORBIDDEN, quality_manager=NOT_FOUND, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_own,
        label="not answered",
    ),
    Case("complaint_letter_pdf", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case(
        "complaint_action_create",
        # Agents handle complaints but do not create actions (accounts.access.can_create_action).
        expect(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_own,
        label="own",
    ),
    Case("complaint_action_create", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("reply_template_list", expect(200)),
    Case("reply_template_create", expect(FORBIDDEN, quality_manager=200)),
    Case("reply_template_edit", expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND), kwargs=_own_template),
    Case("reply_template_edit", FOREIGN_WRITE, kwargs=_foreign_template, label="foreign"),
    Case("public_complaint_form", public(200)),
    Case("public_complaint_form", public(200), query="?site=1", label="preselected"),
    # Without a request left in the visitor's session, back to the form.
    Case("public_complaint_done", public(REDIRECT)),
    # « Suivre ma demande »: the form, for everyone (the request is shown only on a POST with its details).
    Case("public_complaint_track", public(200)),
]

API_CASES = [
    Case("api:complaint-list", api(200)),
    Case("api:complaint-list", api(200), query="?overdue=true&channel=box&year=2026", label="filtered"),
    Case(
        "api:complaint-list",
        # For an auditor the site is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, quality_manager=201, site_referent=201, agent=201, auditor=400),
        method="post",
        data=lambda w: {
            "site": w.site.pk,
            "channel": "letter",
            "received_on": "2026-03-02",
            "description": "Courrier reçu au sujet de l'attente au guichet.",
        },
        label="create",
    ),
    Case("api:complaint-detail", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case(
        "api:complaint-detail",
        api(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister,
        label="sister",
    ),
    Case("api:complaint-detail", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case(
        "api:complaint-detail", API_HANDLERS, kwargs=_own, method="patch", data={"category": "delays"}, label="edit own"
    ),
    Case(
        "api:complaint-detail",
        api(FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister,
        method="patch",
        data={"category": "delays"},
        label="edit sister",
    ),
    Case(
        "api:complaint-detail",
        API_FOREIGN_WRITE,
        kwargs=_foreign,
        method="patch",
        data={"category": "delays"},
        label="edit foreign",
    ),
    Case("api:complaint-answer", API_HANDLERS, kwargs=_own, method="post", data=ANSWER, label="own"),
    Case("api:complaint-answer", API_FOREIGN_WRITE, kwargs=_foreign, method="post", data=ANSWER, label="foreign"),
    Case("api:complaint-close", API_HANDLERS, kwargs=_own_answered, method="post", label="own"),
    Case("api:complaint-close", API_FOREIGN_WRITE, kwargs=_foreign_answered, method="post", label="foreign"),
    Case("api:complaint-history", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:complaint-history", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("api:complaint-deliveries", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:complaint-deliveries", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case(
        "api:complaint-resend-reply",
        api(FORBIDDEN, quality_manager=201, site_referent=201, agent=201, auditor=NOT_FOUND),
        kwargs=_own_failed,
        method="post",
        label="own",
    ),
    Case("api:complaint-resend-reply", API_FOREIGN_WRITE, kwargs=_foreign_failed, method="post", label="foreign"),
]

CASES = HTML_CASES + API_CASES
