"""The demo looks like a prefecture in use on the day it is loaded: the auditor has an audit in progress, the
referent a current plan with actions late by days, « Actions à temps » is measured, the latest published survey
results are recent, and the national page says which prefectures have detailed data. Loading it again changes
nothing (the demo is loaded once for the module)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import User
from audits.models import Audit
from engagements.models import Action, ActionPlan
from indicators.models import Measurement
from qualipref.demo import load_demo
from surveys.models import Campaign, CampaignSite
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db


def test_the_demo_auditor_has_an_audit_in_progress_inside_their_window_with_a_partly_filled_grid(demo_data):
    auditor = User.objects.get(username="auditeur")
    today = timezone.localdate()

    (audit,) = access.scope_audits(Audit.objects.all(), auditor, open_windows_only=True).filter(
        status=Audit.Status.IN_PROGRESS
    )

    assert audit.window_open(today) and audit.start_on <= today <= audit.end_on
    filled = audit.assessments.count()
    assert 0 < filled < audit.sites.count() * sum(m.engagements.count() for m in audit.modules.all())


def test_the_referent_current_plan_has_actions_late_by_days_not_years(demo_data):
    today = timezone.localdate()
    plan = ActionPlan.objects.filter(prefecture__department_id="13").order_by("-created_at").first()

    assert str(today.year) in plan.title
    arles = plan.actions.filter(site__name="Sous-préfecture d'Arles")
    late = [a for a in arles if a.status in (Action.Status.TODO, Action.Status.IN_PROGRESS) and a.due_on < today]
    assert late and all((today - a.due_on).days <= 30 for a in late)
    assert arles.filter(due_on__gt=today).exists() and arles.filter(status=Action.Status.DONE).exists()


@pytest.mark.parametrize("site", ["Sous-préfecture d'Arles", "Sous-préfecture d'Istres", None])
def test_actions_on_time_is_measured_in_the_last_months(demo_data, site):
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=62)
    measured = Measurement.objects.filter(
        indicator__code="actions_on_time", prefecture__department_id="13", period__gte=since
    )
    measured = measured.filter(site__name=site) if site else measured.filter(site__isnull=True)

    assert measured.exists()


def test_the_latest_published_survey_results_are_recent(demo_data):
    latest = (
        CampaignSite.objects.filter(campaign__prefecture__department_id="13", published_at__isnull=False)
        .select_related("campaign")
        .order_by("-campaign__opens_on")
        .first()
    )

    assert (timezone.localdate() - latest.campaign.opens_on).days < 366
    assert latest.campaign.closes_on < timezone.localdate()


def test_the_national_page_says_which_prefectures_have_detailed_data(demo_data, client):
    client.force_login(User.objects.get(username="national"))

    text = client.get(reverse("dashboard")).content.decode()

    assert 'id="perimetre-detaille"' in text
    assert "Préfecture des Bouches-du-Rhône" in text and "Préfecture du Val-de-Marne" in text
    assert "n’ont que leur historique de labellisation" in text


def test_loading_the_demo_again_adds_nothing(demo_data):
    assert_no_new_rows(load_demo, Audit.objects, ActionPlan.objects, Action.objects, Campaign.objects)
