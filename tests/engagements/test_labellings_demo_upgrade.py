"""A database whose demo was loaded on an earlier day, or by the older demo that stopped in 2015, is brought up to
date by loading the demo again."""

import datetime

import pytest
from django.utils import timezone

from engagements.demo import labelling_history as history
from engagements.demo import labellings as demo
from engagements.models import Labelling
from indicators.dashboards import national
from qualipref.demo import load_demo
from tests.engagements.test_labellings_demo import assert_every_cycle_follows_the_rules_of_the_service

EARLIER = datetime.date(2016, 3, 1)
OTHER_DEMOS = ("engagements.demo.actions", "engagements.demo.meetings", "audits.demo", "complaints.demo")
OTHER_DEMOS += ("engagements.demo.documents", "surveys.demo", "crisis.demo", "indicators.demo")


@pytest.fixture
def patch(db, monkeypatch, settings):
    """Patches for a first load of the labelling cycles only (the other demos are of today: left out)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with monkeypatch.context() as patch:
        for name in OTHER_DEMOS:
            patch.setattr(f"{name}.load", lambda: None)
        yield patch


def _assert_up_to_date():
    assert_every_cycle_follows_the_rules_of_the_service()
    counts = national.build().counts
    assert 5 <= counts["late"] <= 8 and counts["labelled"] >= 85, counts
    assert not Labelling.objects.late().filter(prefecture__department_id__in=["13", "94"]).exists()
    assert Labelling.objects.current().get(prefecture__department_id="94").is_labelled


def test_loading_the_demo_today_continues_the_cycles_of_an_earlier_day(patch):
    patch.setattr(timezone, "localdate", lambda *args, **kwargs: EARLIER)
    load_demo()
    val_de_marne = Labelling.objects.current().get(prefecture__department_id="94")
    assert (val_de_marne.referential.code, val_de_marne.status) == ("QP2", "preparation")
    assert 5 <= Labelling.objects.late(on=EARLIER).count() <= 8  # the few late ones of that day
    patch.undo()

    load_demo()

    _assert_up_to_date()


def test_loading_the_demo_continues_the_cycles_of_the_older_demo_that_stopped_in_2015(patch):
    patch.setattr(demo, "_continue_bouches_du_rhone", lambda *args: None)
    patch.setattr(demo, "_continue_val_de_marne", lambda *args: None)
    patch.setattr(history, "continue_history", lambda first, steps, **kwargs: [(first, steps)])
    load_demo()
    assert Labelling.objects.late().count() == 104  # every label: its follow-up audit years late
    patch.undo()

    load_demo()

    _assert_up_to_date()
