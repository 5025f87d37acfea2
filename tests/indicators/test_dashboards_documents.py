"""The prefecture dashboard counts the documents of its register to review (within 60 days, or late), with a link
to the register filtered on them; one query; an approval changes the data version, so the cached dashboard is
rebuilt."""

import datetime

import pytest
from django.urls import reverse

from engagements.models import QualityDocument
from engagements.services import documents as services
from indicators.dashboards import common
from qualipref.lib import data_version
from tests import factories

pytestmark = pytest.mark.django_db


def _approved(world, *, due_in_days, today, prefecture=None):
    qm = world.users["quality_manager"]
    document = factories.QualityDocumentFactory(prefecture=prefecture or world.prefecture, owner=qm)
    version = factories.DocumentVersionFactory(document=document)
    services.version_submit(by=world.users["national"], version=version)
    services.version_approve(by=world.users["national"], version=version)
    QualityDocument.objects.filter(pk=document.pk).update(review_due_on=today + datetime.timedelta(days=due_in_days))
    return document


def test_the_documents_to_review_are_counted_in_one_query(world, today, django_assert_num_queries):
    _approved(world, due_in_days=-3, today=today)  # late
    _approved(world, due_in_days=20, today=today)  # to review
    _approved(world, due_in_days=200, today=today)  # up to date
    _approved(world, due_in_days=-3, today=today, prefecture=world.foreign_prefecture)

    with django_assert_num_queries(1):
        counts = common.documents_to_review(world.prefecture.pk, today=today)

    assert counts == {"due": 2, "late": 1}


def test_the_dashboard_links_to_the_register_filtered_on_the_documents_to_review(client, world, today):
    _approved(world, due_in_days=-3, today=today)
    client.force_login(world.users["quality_manager"])

    html = client.get(reverse("dashboard_prefecture", kwargs={"pk": world.prefecture.pk})).content.decode()

    assert f"/qualite/documents/?prefecture={world.prefecture.pk}&amp;due=true" in html
    assert "1 document à réviser" in html and "1 en retard" in html


def test_an_approval_changes_the_data_version_of_the_cached_dashboards(
    world, today, django_capture_on_commit_callbacks
):
    document = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=world.users["quality_manager"])
    version = factories.DocumentVersionFactory(document=document)
    services.version_submit(by=world.users["national"], version=version)
    before = data_version.current()

    with django_capture_on_commit_callbacks(execute=True):
        services.version_approve(by=world.users["national"], version=version)

    assert data_version.current() != before
