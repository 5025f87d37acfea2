"""A database whose demo was loaded on an earlier day is brought up to date by loading the demo again."""

import datetime

import pytest
from django.utils import timezone

from engagements.models import Labelling
from indicators.dashboards import national
from qualipref.demo import load_demo
from tests.engagements.test_labellings_demo import assert_every_cycle_follows_the_rules_of_the_service

EARLIER = datetime.date(2016, 3, 1)
OTHER_DEMOS = ("engagements.demo.actions", "engagements.demo.meetings", "audits.demo", "complaints.demo")
OTHER_DEMOS += ("surveys.demo", "indicators.demo")


@pytest.fixture
def loaded_in_2016(db, monkeypatch, settings):
    """The labelling cycles as the demo wrote them on 1 March 2016 (the other demos are of today: left out)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with monkeypatch.context() as patch:
        for name in OTHER_DEMOS:
            patch.setattr(f"{name}.load", lambda: None)
        patch.setattr(timezone, "localdate", lambda *args, **kwargs: EARLIER)
        load_demo()


def test_loading_the_demo_today_continues_the_cycles_of_an_earlier_day(loaded_in_2016):
    val_de_marne = Labelling.objects.current().get(prefecture__department_id="94")
    assert (val_de_marne.referential.code, val_de_marne.status) == ("QP2", "preparation")
    assert 5 <= Labelling.objects.late(on=EARLIER).count() <= 8  # the few late ones of that day

    load_demo()

    assert_every_cycle_follows_the_rules_of_the_service()
    counts = national.build().counts
    assert 5 <= counts["late"] <= 8 and counts["labelled"] >= 85, counts
    assert not Labelling.objects.late().filter(prefecture__department_id__in=["13", "94"]).exists()
    assert Labelling.objects.current().get(prefecture__department_id="94").is_labelled
