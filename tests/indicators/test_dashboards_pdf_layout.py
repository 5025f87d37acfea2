"""The dashboards' PDFs of the demo (the nation's 104 prefectures, a prefecture, a site): no table row cut across two
pages (a row kept whole, the header repeated)."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from indicators.dashboards import national, prefecture, site
from sites.models import Prefecture, Site
from tests.pdf_pages import rows_across_pages

pytestmark = pytest.mark.django_db

TEMPLATE = "indicators/dashboards/pdf.html"


def _html(dashboard, scope):
    return render_to_string(
        TEMPLATE, {"d": dashboard, "title": "Tableau de bord", "scope": scope, "generated_on": timezone.localtime()}
    )


def test_the_print_stylesheet_keeps_rows_whole():
    css = render_to_string("pdf/print.css")
    assert "tr { break-inside: avoid; }" in css


def test_no_row_of_the_national_pdf_runs_over_two_pages(demo_data):
    source = _html(national.build(), "national")
    assert source.count("<tr>") > 100
    assert rows_across_pages(source) == []


def test_no_row_of_a_prefecture_or_site_pdf_runs_over_two_pages(demo_data):
    referent = User.objects.get(username="qualite13")
    bouches_du_rhone = Prefecture.objects.get(department_id="13")
    assert rows_across_pages(_html(prefecture.build(bouches_du_rhone, referent), "prefecture")) == []
    assert rows_across_pages(_html(site.build(Site.objects.filter(prefecture=bouches_du_rhone).first()), "site")) == []
