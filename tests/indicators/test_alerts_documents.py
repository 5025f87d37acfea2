"""Quality documents to review: the owner is told DOCUMENT_REVIEW_ALERT_DAYS (30) days before the review date of the
version in force, then once late; a new approved version moves the date and ends the alerts."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Notification
from engagements.models import QualityDocument
from engagements.services import documents as services
from indicators import alerts
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


def _run(today=TODAY):
    return alerts.collect_and_notify(today, collectors={"document_reviews"})["document_reviews"]


def _told():
    return sorted(Notification.objects.values_list("recipient__username", "kind", "due_on"))


@pytest.fixture
def guide(world):
    qm = world.users["quality_manager"]
    document = services.document_create(
        by=qm,
        prefecture=world.prefecture,
        reference="GUIDE-ACC",
        title="Guide d'accueil",
        kind="reception_guide",
        owner=world.users["site_referent"],
    )
    version = services.version_add(
        by=qm, document=document, number="1.0", dated=datetime.date(2025, 1, 2), url="https://a.fr/g"
    )
    services.version_submit(by=qm, version=version)
    services.version_approve(by=qm, version=version)
    return document


def _due_on(document, day):
    QualityDocument.objects.filter(pk=document.pk).update(review_due_on=day)


def test_the_owner_is_told_30_days_before_the_review_and_once(world, guide):
    _due_on(guide, datetime.date(2026, 5, 10))

    assert _run(datetime.date(2026, 4, 1)) == 0  # 39 days before: too early
    _run()
    _run()

    assert _told() == [("referent", "document_review_due", datetime.date(2026, 5, 10))]
    notice = Notification.objects.get()
    assert notice.title == "Document à réviser : « GUIDE-ACC – Guide d'accueil » (dans 25 jours)"
    assert notice.url == f"/qualite/documents/{guide.pk}/"


def test_a_late_review_is_told_once_more_then_a_new_version_ends_the_alerts(world, guide):
    _due_on(guide, datetime.date(2026, 5, 10))
    _run()
    _run(datetime.date(2026, 5, 11))
    _run(datetime.date(2026, 5, 20))

    assert [kind for _, kind, _ in _told()] == ["document_review_due", "document_review_overdue"]
    assert "Révision en retard" in Notification.objects.get(kind="document_review_overdue").title

    qm = world.users["quality_manager"]
    version = services.version_add(
        by=qm, document=guide, number="2.0", dated=timezone.localdate(), url="https://a.fr/2"
    )
    services.version_submit(by=qm, version=version)
    services.version_approve(by=qm, version=version)
    assert _run(datetime.date(2026, 5, 21)) == 0


def test_a_document_without_version_in_force_gives_no_alert(world):
    factories.QualityDocumentFactory(prefecture=world.prefecture, owner=world.users["quality_manager"])
    assert _run() == 0
