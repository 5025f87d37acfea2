"""Items of the quality programme not done by the end of their window: the quality manager (and the site's referent
for a site's item) are told settings.QUALIPREF_PROGRAMME_ALERT_DAYS before, then once late; a fulfilled item and
the labelling cycle's audits (alerts.labellings) give nothing."""

import datetime

import pytest

from accounts.models import Notification
from indicators import alerts
from planning import services
from planning.models import PlannedItem
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 25)


def _item(world, *, kind="copil", site=None, ends_on, slot):
    return PlannedItem.objects.create(
        prefecture=world.prefecture,
        site=site,
        year=2026,
        kind=kind,
        title=f"Élément {slot}",
        starts_on=ends_on.replace(day=1),
        ends_on=ends_on,
        slot=slot,
    )


def _run(today=TODAY):
    return alerts.collect_and_notify(today, collectors={"programme"})["programme"]


def _told():
    return sorted(Notification.objects.values_list("recipient__username", "kind", "key"))


def test_the_quality_manager_and_the_sites_referent_are_told_before_the_end_then_once_late(world):
    march = _item(world, ends_on=datetime.date(2026, 3, 31), slot="copil")
    quarter = _item(world, kind="self_assessment", site=world.site, ends_on=datetime.date(2026, 3, 31), slot="q1")
    _item(world, kind="self_assessment", site=world.sister_site, ends_on=datetime.date(2026, 6, 30), slot="q2")

    _run()
    _run()  # a second run adds nothing

    assert _told() == [
        ("qm", "programme_item_due", f"programme:{march.pk}:2026-03-31:7d"),
        ("qm", "programme_item_due", f"programme:{quarter.pk}:2026-03-31:7d"),
        ("referent", "programme_item_due", f"programme:{quarter.pk}:2026-03-31:7d"),
    ]
    assert Notification.objects.filter(recipient__username="referent").get().title == (
        "Élément q1 à réaliser avant le 31/03/2026 (dans 6 jours)"
    )

    _run(datetime.date(2026, 4, 2))

    late = Notification.objects.filter(kind="programme_item_overdue")
    assert sorted(late.values_list("recipient__username", flat=True)) == ["qm", "qm", "referent"]
    assert late.first().title.endswith(": non réalisé, attendu au plus tard le 31/03/2026")


def test_a_fulfilled_item_and_the_cycles_audits_give_no_alert(world):
    _item(world, ends_on=datetime.date(2026, 3, 31), slot="copil:2026-03")
    _item(world, kind="follow_up_audit", ends_on=datetime.date(2026, 3, 27), slot="follow_up")
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(2026, 3, 12))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])

    assert _run() == 0
    assert not Notification.objects.exists()


def test_the_clu_and_the_survey_are_left_to_the_yearly_alerts(world):
    """alerts.yearly tells the CLU and the survey due every 12 months: the programme's item would tell it twice."""
    _item(world, kind="clu", ends_on=datetime.date(2026, 3, 31), slot="rule:1:2026")
    _item(world, kind="survey", ends_on=datetime.date(2026, 3, 1), slot="rule:2:2026")
    audit = _item(world, kind="internal_audit", ends_on=datetime.date(2026, 3, 31), slot="rule:3:2026")

    _run()

    assert _told() == [("qm", "programme_item_due", f"programme:{audit.pk}:2026-03-31:7d")]
