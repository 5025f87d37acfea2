"""A region's and the whole country's yearly review (reviews.build.national) on a small world: two regions, three
prefectures, known cycles, actions, measurements and complaints — each figure asserted; the number of queries does
not depend on the number of prefectures; the demo's 2015 national review."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from engagements.models import Action
from indicators.models import Indicator, Measurement
from indicators.services import aggregates, rollups
from reviews import build, services
from reviews.build import national
from reviews.models import YearlyReview
from sites.models import Prefecture
from tests import factories
from tests.indicators.factories import MeasurementFactory, indicator

pytestmark = pytest.mark.django_db

D = datetime.date
PACA = "Provence-Alpes-Côte d'Azur"
IDF = "Île-de-France"
PACA_HTML = "Provence-Alpes-Côte d&#x27;Azur"


def _cycle(prefecture, *, granted_on=None, sites=()):
    """A Qualipref 2.0 cycle started on 16/02/2015, labelled on ``granted_on`` (its history says so)."""
    if granted_on:
        cycle = factories.LabellingFactory(prefecture=prefecture, granted=True, granted_on=granted_on, sites=sites)
    else:
        cycle = factories.LabellingFactory(prefecture=prefecture, sites=sites)
    factories.LabellingStepFactory(labelling=cycle, kind="start", status="preparation", happened_on=D(2015, 2, 16))
    if granted_on:
        factories.LabellingStepFactory(labelling=cycle, kind="decision", status="granted", happened_on=granted_on)
    return cycle


JANUARY_5 = D(2015, 1, 5)


def _action(prefecture, *, created_on=JANUARY_5, **fields):
    action = factories.ActionFactory(plan__prefecture=prefecture, **fields)
    Action.objects.filter(pk=action.pk).update(
        created_at=datetime.datetime.combine(created_on, datetime.time(9), tzinfo=datetime.UTC)
    )
    return action


def _rate(code, site, month, numerator, denominator):
    return MeasurementFactory(
        indicator=indicator(code),
        site=site,
        period=month,
        numerator=numerator,
        denominator=denominator,
        value=Decimal(100 * numerator) / denominator,
    )


def populate(p13, p83, p94):
    """The figures of a world of three prefectures (see the tests for what they add up to)."""
    arles = factories.SiteFactory(prefecture=p13, name="Sous-préfecture d'Arles")
    istres = factories.SiteFactory(prefecture=p13, name="Sous-préfecture d'Istres")
    toulon = factories.SiteFactory(prefecture=p83, name="Toulon – Préfecture", kind="prefecture")
    creteil = factories.SiteFactory(prefecture=p94, name="Créteil – Préfecture", kind="prefecture")
    # I: Bouches-du-Rhône labelled on 27/11/2015 with Arles in its perimeter, Val-de-Marne on 01/06/2015, the Var
    # still preparing
    _cycle(p13, granted_on=D(2015, 11, 27), sites=[arles])
    _cycle(p83)
    _cycle(p94, granted_on=D(2015, 6, 1))
    # II: done in 2015: two audit findings and a complaint in 13, a survey in 94; not counted: done in 2016,
    # abandoned. V: open at 31/12/2015: in 13 one late and two not, in the Var one due on 31/12 (late)
    done = {"status": "done", "progress": 100}
    _action(p13, source="audit_finding", completed_on=D(2015, 3, 1), **done)
    _action(p13, source="audit_finding", completed_on=D(2015, 9, 1), site=arles, **done)
    _action(p13, source="complaint", completed_on=D(2015, 12, 31), **done)
    _action(p13, source="survey", completed_on=D(2016, 1, 15), due_on=D(2016, 2, 1), **done)
    _action(p13, source="survey", abandoned=True, due_on=D(2015, 5, 1))
    _action(p13, source="copil", in_progress=True, due_on=D(2015, 10, 1))
    _action(p13, source="copil", in_progress=True, due_on=D(2016, 3, 31))
    _action(p13, source="copil", created_on=D(2016, 1, 4), due_on=D(2015, 12, 1))  # created after the year
    _action(p83, source="clu", due_on=D(2015, 12, 31))
    _action(p94, source="survey", verified=True, completed_on=D(2015, 6, 30), verified_on=D(2015, 9, 1))
    # III: lost calls (target < 10 %): 13's latest month of 2015 meets it (its June did not), the Var's does not,
    # Val-de-Marne measured only in 2014
    _rate("lost_calls_rate", arles, D(2015, 6, 1), 30, 100)
    _rate("lost_calls_rate", arles, D(2015, 12, 1), 8, 100)
    _rate("lost_calls_rate", toulon, D(2015, 12, 1), 15, 100)
    _rate("lost_calls_rate", creteil, D(2014, 12, 1), 5, 100)
    # satisfaction with the phone (target ≥ 80 %): 13 is 150 / 200 = 75 % (Arles 90, Istres 60), 94 is 85 %
    _rate("satisfaction_phone", arles, D(2015, 6, 1), 90, 100)
    _rate("satisfaction_phone", istres, D(2015, 6, 1), 60, 100)
    _rate("satisfaction_phone", creteil, D(2015, 6, 1), 85, 100)
    # complaints of 2015: 13 answered 3 of 4 in time, 94 both, the Var none received; 2016 not counted
    for trait in ("answered", "answered", "answered", "answered_late"):
        factories.ComplaintFactory(site=arles, received_on=D(2015, 3, 2), **{trait: True})
    factories.ComplaintFactory.create_batch(2, site=creteil, received_on=D(2015, 3, 2), answered=True)
    factories.ComplaintFactory(site=creteil, received_on=D(2016, 3, 1), answered_late=True)


@pytest.fixture
def world(db):
    p13 = factories.PrefectureFactory(department=factories.DepartmentFactory(code="13"))
    p83 = factories.PrefectureFactory(department=factories.DepartmentFactory(code="83"))
    p94 = factories.PrefectureFactory(department=factories.DepartmentFactory(code="94"))
    populate(p13, p83, p94)
    return p13, p83, p94


def test_the_national_labels_events_and_targets_at_the_end_of_the_year(world):
    p = national.build("", 2015).pilotage
    assert p.prefectures == 3
    assert [(label.referential, label.prefectures, label.subprefectures, label.names) for label in p.labels] == [
        ("Qualipref 2.0 numérique (2.0)", 2, 1, ["Préfecture Bouches-du-Rhône", "Préfecture Val-de-Marne"])
    ]
    assert [(event.kind, event.count) for event in p.events] == [
        ("Lancement du cycle (préparation)", 3),
        ("Décision de l'organisme certificateur", 2),
    ]
    # 50 % at 31/12/2014: Qualipref 2.0 was not published yet; 100 % at 31/12/2015: two of three
    assert [(t.deadline, t.labelled, t.total, t.current, t.state) for t in p.targets] == [
        (D(2014, 12, 31), 0, 3, 0, "missed"),
        (D(2015, 12, 31), 2, 3, 66.7, "missed"),
    ]
    # the year before: nothing labelled, nothing happened, the targets judged on 31/12/2014
    before = national.build("", 2014).pilotage
    assert before.labels == [] and before.events == []
    assert [(t.judged_on, t.state) for t in before.targets] == [
        (D(2014, 12, 31), "missed"),
        (D(2014, 12, 31), "pending"),
    ]


def test_a_prefecture_labelled_on_two_referentials_counts_once(world):
    # Bouches-du-Rhône's Marianne label ran until its Qualipref 2.0 cycle's took over, in 2016
    marianne = factories.LabellingFactory(
        prefecture=world[0],
        referential=factories.labelling_referential("MARIANNE"),
        granted=True,
        started_on=D(2012, 2, 1),
        granted_on=D(2013, 3, 1),
        status="ended",
        ended_on=D(2016, 6, 1),
        modules=[],
    )
    factories.LabellingStepFactory(labelling=marianne, kind="decision", status="granted", happened_on=D(2013, 3, 1))
    factories.LabellingStepFactory(labelling=marianne, kind="end", status="ended", happened_on=D(2016, 6, 1))
    p = national.build("", 2015).pilotage
    assert [(label.referential, label.names) for label in p.labels] == [
        ("Label Marianne (2008)", ["Préfecture Bouches-du-Rhône"]),
        ("Qualipref 2.0 numérique (2.0)", ["Préfecture Bouches-du-Rhône", "Préfecture Val-de-Marne"]),
    ]
    assert (p.labelled, p.prefectures) == (2, 3)


def test_a_region_counts_its_prefectures_only(world):
    r = national.build(PACA, 2015)
    assert r.place_name == f"Région {PACA}"
    assert r.pilotage.prefectures == 2
    assert [(label.prefectures, label.subprefectures) for label in r.pilotage.labels] == [(1, 1)]
    assert [(event.kind, event.count) for event in r.pilotage.events] == [
        ("Lancement du cycle (préparation)", 2),
        ("Décision de l'organisme certificateur", 1),
    ]
    assert [(t.labelled, t.total, t.current) for t in r.pilotage.targets] == [(0, 2, 0), (1, 2, 50.0)]
    assert [row.prefecture for row in r.actions.rows] == ["Préfecture Bouches-du-Rhône"]
    assert [(row.prefecture, row.count, row.late) for row in r.outlook.rows] == [
        ("Préfecture Bouches-du-Rhône", 3, 1),
        ("Préfecture Var", 1, 1),
    ]
    (lost_calls,) = [row for row in r.indicators.rows if row.indicator.code == "lost_calls_rate"]
    assert lost_calls.cells[-1].value == Decimal("11.50")  # (8 + 15) / 200
    (phone,) = [row for row in r.indicators.rows if row.indicator.code == "satisfaction_phone"]
    assert phone.cells[5].value == Decimal("75.00")  # Val-de-Marne's 85 % is not in the region


def test_the_actions_done_per_prefecture_and_source(world):
    a = national.build("", 2015).actions
    assert a.sources == ["Constat d'audit", "Enquête de satisfaction", "Réclamation ou suggestion"]
    assert [(row.prefecture, row.counts, row.total) for row in a.rows] == [
        ("Préfecture Bouches-du-Rhône", [2, 0, 1], 3),
        ("Préfecture Val-de-Marne", [0, 1, 0], 1),
    ]
    assert (a.totals, a.count) == ([2, 1, 1], 4)


def test_the_commitments_satisfaction_and_complaints_compared(world):
    e = national.build("", 2015).evaluation
    commitments = {c.indicator: (c.met, c.measured, c.prefectures, c.share) for c in e.commitments}
    lost_calls, phone = indicator("lost_calls_rate").name, indicator("satisfaction_phone").name
    assert commitments[lost_calls] == (1, 2, 3, 50.0)  # 13's December (8 %), not its June (30 %)
    assert commitments[phone] == (1, 2, 3, 50.0)  # 94's 85 %; 13's 75 %
    assert commitments[indicator("passport_delay_days").name] == (0, 0, 3, None)
    (phone_rates,) = e.satisfaction
    assert phone_rates.indicator == indicator("satisfaction_phone").short_name
    assert (phone_rates.best_prefecture.name, phone_rates.best_prefecture.value) == (
        "Préfecture Val-de-Marne",
        Decimal("85.00"),
    )
    assert (phone_rates.worst_prefecture.name, phone_rates.worst_prefecture.value) == (
        "Préfecture Bouches-du-Rhône",
        Decimal("75.00"),
    )
    assert (phone_rates.best_site.name, phone_rates.best_site.value) == ("Sous-préfecture d'Arles", Decimal("90.00"))
    assert (phone_rates.worst_site.name, phone_rates.worst_site.value) == (
        "Sous-préfecture d'Istres",
        Decimal("60.00"),
    )
    assert (phone_rates.prefectures, phone_rates.sites) == (2, 3)
    assert [(row.prefecture, row.total, row.in_time, row.in_time_share) for row in e.complaints] == [
        ("Préfecture Bouches-du-Rhône", 4, 3, 75.0),
        ("Préfecture Val-de-Marne", 2, 2, 100.0),
    ]
    assert e.best_complaints.prefecture == "Préfecture Val-de-Marne"
    assert e.worst_complaints.prefecture == "Préfecture Bouches-du-Rhône"
    assert (e.complaints_total.total, e.complaints_total.in_time, e.complaints_total.in_time_share) == (6, 5, 83.3)


def test_the_prefectures_yearly_figures_read_from_the_rollups_are_their_measurements(world):
    indicators = Indicator.objects.filter(code__in=["lost_calls_rate", "satisfaction_phone"])
    raw = aggregates.per_prefecture(
        Measurement.objects.filter(indicator__in=indicators).between(D(2015, 1, 1), D(2015, 12, 1))
    )
    assert len(raw) == 5
    assert rollups.per_prefecture(indicators=indicators, first=D(2015, 1, 1), last=D(2015, 12, 1)) == raw
    paca = Prefecture.objects.filter(department__region=PACA)
    assert rollups.per_prefecture(
        indicators=indicators, first=D(2015, 1, 1), last=D(2015, 12, 1), prefectures=paca
    ) == [row for row in raw if row.prefecture_id != world[2].pk]


def test_the_national_trends_and_open_actions(world):
    r = national.build("", 2015)
    (phone,) = [row for row in r.indicators.rows if row.indicator.code == "satisfaction_phone"]
    assert phone.cells[5].value == Decimal("78.33")  # (90 + 60 + 85) / 300
    assert r.indicators.months[0] == D(2015, 1, 1) and r.indicators.months[-1] == D(2015, 12, 1)
    assert [(row.prefecture, row.count, row.late) for row in r.outlook.rows] == [
        ("Préfecture Bouches-du-Rhône", 3, 1),
        ("Préfecture Var", 1, 1),
    ]
    assert (r.outlook.count, r.outlook.late) == (4, 2)


def test_the_queries_do_not_depend_on_the_number_of_prefectures(world):
    with CaptureQueriesContext(connection) as small:
        national.build("", 2015)
        national.build(PACA, 2015)
    more = [
        factories.PrefectureFactory(department=factories.DepartmentFactory(code=code)) for code in ("06", "75", "92")
    ]
    populate(*more)
    with CaptureQueriesContext(connection) as large:
        figures = national.build("", 2015)
        national.build(PACA, 2015)
    assert len(figures.actions.rows) == 4 and figures.pilotage.prefectures == 6
    # per review: prefectures' names; I: labelled per référentiel, référentiels, their prefectures, events per
    # kind, the targets' count of prefectures and their two dates; II: one GROUP BY; III: indicators, per-prefecture
    # aggregates, sites' satisfaction, complaints GROUP BY; IV: the board's indicators, aggregates, last periods;
    # V: one GROUP BY
    assert len(large.captured_queries) == len(small.captured_queries) == 2 * 17


def test_a_national_review_is_drafted_and_its_workbook_has_the_tables(world):
    admin = factories.MembershipFactory(national=True).user
    review = services.review_create(by=admin, year=2015, scope="national")
    assert (review.prefecture, review.region, str(review)) == (None, "", "Bilan qualité 2015 – France entière")
    regional = services.review_create(by=admin, year=2015, scope="region", region=PACA)
    assert str(regional) == f"Bilan qualité 2015 – Région {PACA}"
    with pytest.raises(Exception, match="Le bilan 2015 de la France entière existe déjà"):
        services.review_create(by=admin, year=2015, scope="national")
    with pytest.raises(Exception, match="Choisissez une région parmi celles des départements"):
        services.review_create(by=admin, year=2015, scope="region", region="Atlantide")
    figures = build.for_review(regional)
    assert figures.pilotage.prefectures == 2
    sheets = load_workbook(io.BytesIO(services.workbook(figures)))
    actions = sheets.worksheets[3]
    assert [[cell.value for cell in row] for row in actions.iter_rows(min_row=2)][-2:] == [
        ["Préfecture Bouches-du-Rhône", 2, 1, 3],
        ["Total", 2, 1, 3],
    ]
    trends = list(sheets["Indicateurs qualité"].values)  # reviews.build.indicators, shared with a prefecture's
    assert trends[0][:3] == ("Indicateur", "Objectif", "01/2015") and len(trends[0]) == 14
    assert trends[1:] and all(
        isinstance(value, int | float) for row in trends[1:] for value in row[2:] if value is not None
    )


# --- pages and API ----------------------------------------------------------------------------------------


@pytest.fixture
def admin(world):
    return factories.MembershipFactory(national=True).user


def test_the_national_admin_drafts_a_regional_review_on_the_page(client, admin):
    client.force_login(admin)
    form = client.get("/bilans/rediger/").content.decode()
    assert "France entière" in form and PACA_HTML in form and "Périmètre du bilan" in form
    refused = client.post("/bilans/rediger/", {"scope": "region", "region": "", "year": 2015})
    assert refused.status_code == 200 and "Choisissez la région du bilan." in refused.content.decode()
    created = client.post("/bilans/rediger/", {"scope": "region", "region": PACA, "year": 2015})
    review = YearlyReview.objects.get(scope="region", region=PACA, year=2015)
    assert created.status_code == 302 and created["Location"] == f"/bilans/{review.pk}/"
    page = client.get(f"/bilans/{review.pk}/").content.decode()
    assert f"Région {PACA_HTML}" in page
    assert "Actions réalisées en 2015 par préfecture et par origine" in page
    assert "1 préfecture labellisée sur 2 au 31/12/2015" in page
    saved = client.post(f"/bilans/{review.pk}/texte/actions/", {"actions-text": "Deux préfectures engagées."})
    assert saved.status_code == 302
    assert client.post(f"/bilans/{review.pk}/publier/").status_code == 302
    review.refresh_from_db()
    assert review.is_published and review.actions_text == "Deux préfectures engagées."
    listing = client.get("/bilans/").content.decode()
    assert f"Région {PACA_HTML}" in listing


def test_a_quality_manager_neither_sees_nor_drafts_a_national_review(client, admin, world):
    review = services.review_create(by=admin, year=2015, scope="national")
    manager = factories.MembershipFactory(prefecture=world[0]).user
    client.force_login(manager)
    assert client.get(f"/bilans/{review.pk}/").status_code == 404
    assert "France entière" not in client.get("/bilans/").content.decode()
    form = client.get("/bilans/rediger/").content.decode()
    assert "Périmètre du bilan" not in form
    # a scope posted anyway is not a field of theirs: the prefecture's review is drafted
    client.post("/bilans/rediger/", {"scope": "national", "prefecture": world[0].pk, "year": 2015})
    assert YearlyReview.objects.filter(scope="national").count() == 1
    assert YearlyReview.objects.filter(prefecture=world[0]).count() == 1
    refused = client.post("/api/v1/reviews/", {"scope": "national", "year": 2014}, content_type="application/json")
    assert refused.status_code == 403, refused.json()


def test_the_api_drafts_and_reads_a_national_review(client, admin):
    client.force_login(admin)
    created = client.post("/api/v1/reviews/", {"scope": "national", "year": 2015}, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["scope"], body["region"], body["prefecture"]) == ("national", "", None)
    again = client.post("/api/v1/reviews/", {"scope": "national", "year": 2015}, content_type="application/json")
    assert again.status_code == 400 and "Le bilan 2015 de la France entière existe déjà." in str(again.json())
    regional = client.post(
        "/api/v1/reviews/", {"scope": "region", "region": IDF, "year": 2015}, content_type="application/json"
    )
    assert regional.status_code == 201, regional.json()
    detail = client.get(f"/api/v1/reviews/{body['id']}/").json()
    figures = detail["figures"]
    assert figures["pilotage"]["labels"][0]["prefectures"] == 2
    assert figures["actions"]["totals"] == [2, 1, 1]
    assert figures["evaluation"]["complaints"][0]["in_time_share"] == 75.0
    assert {row["share"] for row in figures["evaluation"]["commitments"]} >= {50.0}  # a property: added by hand
    assert figures["outlook"]["rows"][0]["late"] == 1
    listed = client.get("/api/v1/reviews/?scope=region").json()
    assert [row["region"] for row in listed["results"]] == [IDF]
    no_prefecture = client.post("/api/v1/reviews/", {"year": 2014}, content_type="application/json")
    assert no_prefecture.status_code == 400 and "Choisissez la préfecture du bilan." in str(no_prefecture.json())


def test_the_national_review_page_costs_a_fixed_number_of_queries(client, admin, django_assert_num_queries):
    review = services.review_create(by=admin, year=2015, scope="national")
    client.force_login(admin)
    client.get(f"/bilans/{review.pk}/")  # warm: session, content types, the DSFR configuration
    # session, user, memberships (scope), the review, the 17 queries of the figures
    # (test_the_queries_do_not_depend_on_the_number_of_prefectures); the DSFR configuration is no longer read (kept
    # by the process: qualipref.site_config)
    with django_assert_num_queries(21):
        assert client.get(f"/bilans/{review.pk}/").status_code == 200


# --- the demo (last: its data stay for the module) ------------------------------------------------------


def test_the_demo_s_2015_national_review_shows_bouches_du_rhone_labelled(demo_data, db):
    figures = national.build("", 2015)
    labels = {label.referential: label for label in figures.pilotage.labels}
    qp2 = labels["Qualipref 2.0 numérique (2.0)"]
    assert "Préfecture des Bouches-du-Rhône" in qp2.names
    assert (qp2.prefectures, len(qp2.names)) == (12, 12)  # the demo's; 6 sous-préfectures in their perimeters
    assert [(t.labelled, t.total, t.state) for t in figures.pilotage.targets][-1] == (12, 104, "missed")
    bdr = Prefecture.objects.get(department_id="13")
    regional = national.build(bdr.department.region, 2015)
    assert "Préfecture des Bouches-du-Rhône" in {
        name
        for label in regional.pilotage.labels
        if label.referential.startswith("Qualipref 2.0")
        for name in label.names
    }
