"""In a real browser (issue 7): the notification of an overdue complaint appears in the inbox.

A complaint assigned to the demo agent of Istres is past its due date (15 working days); the daily deadline-alerts
job runs (the Celery task of the beat schedule, called in the test process); the agent sees the unread count in
the header, finds the notification naming the complaint's reference in the inbox, follows its link to the
complaint, and the count goes down once it is read."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISTRES = "Sous-préfecture d'Istres"


def _overdue_complaint(agent):
    from complaints.models import Complaint
    from complaints.services import complaint_create
    from sites.models import Site

    today = timezone.localdate()
    # 28 calendar days hold at least 17 working days whatever the holidays: 15 working days are past, and the due
    # date stays within the alerts' look-back.
    complaint = complaint_create(
        by=agent,
        site=Site.objects.get(name=ISTRES),
        channel=Complaint.Channel.COUNTER,
        received_on=today - datetime.timedelta(days=28),
        description="Dossier de titre de séjour resté sans réponse malgré deux relances au guichet.",
        assigned_to=agent,
    )
    assert complaint.due_on < today
    return complaint


def _unread(page):
    badge = page.locator("#qp-unread-count")
    expect(badge).to_be_visible()
    return int(re.match(r"\d+", badge.inner_text()).group())


def test_the_agent_finds_the_alert_of_an_overdue_complaint_in_the_inbox_and_opens_it(page, demo, login, artifacts):
    from accounts.models import Notification, User
    from indicators.tasks import send_deadline_alerts

    agent = User.objects.get(username="agent-istres")
    complaint = _overdue_complaint(agent)
    alerts = Notification.objects.filter(recipient=agent, kind="complaint_overdue", url__endswith=f"/{complaint.pk}/")
    assert not alerts.exists()

    send_deadline_alerts()  # what the beat schedule runs every morning
    assert alerts.count() == 1
    agent.refresh_from_db()
    expected = agent.unread_notifications

    login("agent-istres", demo)
    assert _unread(page) == expected
    page.locator("#qp-inbox-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    link = page.locator("#notifications").get_by_role(
        "link", name=f"Réclamation {complaint.reference} en retard : réponse attendue le {complaint.due_on:%d/%m/%Y}"
    )
    expect(link).to_be_visible()
    artifacts.screenshot(page, "notifications-reclamation-en-retard.png", full_page=True)

    link.click()
    expect(page).to_have_url(re.compile(rf"/reclamations/{complaint.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Réclamation {complaint.reference}")
    # Opened, it is read: one less in the header, and no longer among the unread ones of the inbox.
    if expected > 1:
        expect(page.locator("#qp-unread-count")).to_contain_text(str(expected - 1))
    else:
        expect(page.locator("#qp-unread-count")).to_have_count(0)
    page.locator("#qp-inbox-link").click()
    expect(page.locator("#notifications").get_by_role("link", name=re.compile(complaint.reference))).to_have_count(0)
    assert alerts.get().read_at is not None
