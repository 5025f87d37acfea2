"""The demo action plan of the Bouches-du-Rhône: the 2015 actions of the yearly review on the five sites."""

from django.utils import timezone

from accounts.models import User
from engagements.demo import actions as demo_actions
from engagements.models import Action, ActionPlan, Labelling
from tests import factories
from tests.checks import assert_no_new_rows


def test_the_demo_plan_holds_the_2015_actions_on_the_five_sites_in_various_statuses(demo_data, db):

    plan = ActionPlan.objects.get(title=demo_actions.PLAN_TITLE)
    actions = plan.actions.select_related("site", "owner", "engagement")
    assert actions.count() >= 30
    assert {a.site.name for a in actions if a.site} == {
        "Marseille – Peytral",
        "Marseille – Saint-Sébastien",
        "Sous-préfecture d'Aix-en-Provence",
        "Sous-préfecture d'Arles",
        "Sous-préfecture d'Istres",
    }
    assert {a.owner.username for a in actions} == {"qualite13", "referent-arles", "agent-istres"}
    assert {a.status for a in actions} == set(Action.Status.values)
    assert 3 <= plan.actions.overdue().count() <= 6
    today = timezone.localdate()
    assert plan.actions.open().filter(due_on__gt=today).count() >= 4  # some still to come
    assert all(a.engagement.code.startswith("QP2-") for a in actions)
    assert actions.get(title__startswith="Ouvrir le guichet des étrangers à 8 h").history.count() == 4


def test_the_demo_actions_are_seen_by_the_demo_accounts_as_their_roles_say(demo_data, db):
    demo_actions.load()
    referent = User.objects.get(username="referent-arles")

    seen = Action.objects.for_user(referent)

    assert {a.site.name for a in seen if a.site} == {"Sous-préfecture d'Arles"}
    assert Action.objects.for_user(User.objects.get(username="qualite94")).count() == 0


def test_loading_the_demo_plan_twice_changes_nothing(demo_data, db):
    demo_actions.load()
    assert assert_no_new_rows(demo_actions.load, ActionPlan.objects, Action.objects, Action.history) == 0


def test_the_demo_plan_joins_the_running_cycle_of_the_prefecture_once_there_is_one(demo_data, db):
    demo_actions.load()
    plan = ActionPlan.objects.get(title=demo_actions.PLAN_TITLE)
    cycle = Labelling.objects.current().filter(prefecture=plan.prefecture).first()
    if cycle is None:  # the demo cycles are not loaded before the actions
        cycle = factories.LabellingFactory(prefecture=plan.prefecture, referential=factories.labelling_referential())
        demo_actions.load()

    plan.refresh_from_db()
    assert plan.labelling == cycle
