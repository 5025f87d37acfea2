"""Quality meetings (COPIL, CLU) and training records: pages and API.

Meetings belong to a prefecture: its quality manager records them, its managers, referents and agents read
them. Trainings belong to a site: the prefecture's quality manager and the site's referent record them.
National administrators read everything and record nothing (403 on what they see).
"""

from engagements.models import ActionPlan
from tests import factories
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


# --- objects of the rows (created once per row, before its roles' requests) -----------------------


def _meeting(prefecture):
    return factories.MeetingFactory(prefecture=prefecture)


def _own_meeting(w):
    return {"pk": _meeting(w.prefecture).pk}


def _foreign_meeting(w):
    return {"pk": _meeting(w.foreign_prefecture).pk}


def _decision(prefecture):
    ActionPlan.objects.create(prefecture=prefecture, title="Plan d'action qualité")
    decision = factories.MeetingDecisionFactory(meeting=_meeting(prefecture))
    return {"pk": decision.meeting_id, "decision_pk": decision.pk}


def _own_decision(w):
    return _decision(w.prefecture)


def _foreign_decision(w):
    return _decision(w.foreign_prefecture)


def _mismatched_decision(w):
    """A decision of a foreign meeting, reached through a meeting of the user's prefecture."""
    return {"pk": _meeting(w.prefecture).pk, "decision_pk": _foreign_decision(w)["decision_pk"]}


def _own_training(w):
    return {"pk": factories.TrainingFactory(person=w.users["agent"], site=w.site).pk}


def _sister_training(w):
    return {"pk": factories.TrainingFactory(site=w.sister_site).pk}


def _foreign_training(w):
    return {"pk": factories.TrainingFactory(site=w.foreign_site).pk}


# --- who gets what ----------------------------------------------------------------------------------

# Pages: the quality manager records meetings of their prefecture; others who see it get a 403.
MEETING_READERS = expect(200, auditor=NOT_FOUND)
MEETING_WRITERS = expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)
TRAINING_WRITERS = expect(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND)
SISTER_TRAINING_WRITERS = expect(
    FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND
)

API_READERS = api(200, auditor=NOT_FOUND)
API_FOREIGN_READ = api(NOT_FOUND, national=200)
API_FOREIGN_WRITE = api(NOT_FOUND, national=FORBIDDEN)


HTML_CASES = [
    Case("meeting_list", expect(200)),  # scoped: an auditor gets an empty list
    Case("meeting_list", expect(200), query="?kind=copil&year=2015", label="filtered"),
    Case("meeting_create", expect(FORBIDDEN, quality_manager=200)),
    Case("meeting_detail", MEETING_READERS, kwargs=_own_meeting, label="own"),
    Case("meeting_detail", FOREIGN_READ, kwargs=_foreign_meeting, label="foreign"),
    Case("meeting_edit", MEETING_WRITERS, kwargs=_own_meeting, label="own"),
    Case("meeting_edit", FOREIGN_WRITE, kwargs=_foreign_meeting, label="foreign"),
    Case("meeting_decision_add", MEETING_WRITERS, kwargs=_own_meeting, label="own"),
    Case("meeting_decision_add", FOREIGN_WRITE, kwargs=_foreign_meeting, label="foreign"),
    Case("meeting_decision_action", MEETING_WRITERS, kwargs=_own_decision, label="own"),
    Case("meeting_decision_action", FOREIGN_WRITE, kwargs=_foreign_decision, label="foreign"),
    Case(
        "meeting_decision_action",
        expect(FORBIDDEN, quality_manager=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_mismatched_decision,
        label="mismatched",
    ),
    Case("training_list", expect(200)),
    Case("training_list", expect(200), query="?reception=true&trained_before=2016-01-01", label="filtered"),
    Case("training_create", expect(FORBIDDEN, quality_manager=200, site_referent=200)),
    Case("training_edit", TRAINING_WRITERS, kwargs=_own_training, label="own"),
    Case("training_edit", SISTER_TRAINING_WRITERS, kwargs=_sister_training, label="sister"),
    Case("training_edit", FOREIGN_WRITE, kwargs=_foreign_training, label="foreign"),
    Case("training_agents_not_trained", expect(200)),
]

API_CASES = [
    Case("api:meeting-list", api(200)),
    Case("api:meeting-list", api(200), query="?kind=clu&year=2015", label="filtered"),
    Case(
        "api:meeting-list",
        # For an auditor the prefecture is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, quality_manager=201, auditor=400),
        method="post",
        data=lambda w: {"prefecture": w.prefecture.pk, "kind": "copil", "held_on": "2015-05-07"},
        label="create",
    ),
    Case("api:meeting-detail", API_READERS, kwargs=_own_meeting, label="own"),
    Case("api:meeting-detail", API_FOREIGN_READ, kwargs=_foreign_meeting, label="foreign"),
    Case(
        "api:meeting-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_own_meeting,
        method="patch",
        data={"minutes": "Compte rendu complété."},
        label="edit own",
    ),
    Case(
        "api:meeting-detail",
        API_FOREIGN_WRITE,
        kwargs=_foreign_meeting,
        method="patch",
        data={"minutes": "Compte rendu complété."},
        label="edit foreign",
    ),
    Case(
        "api:meeting-decisions",
        api(FORBIDDEN, quality_manager=201, auditor=NOT_FOUND),
        kwargs=_own_meeting,
        method="post",
        data={"text": "Afficher les heures d'affluence à l'entrée."},
        label="own",
    ),
    Case(
        "api:meeting-decisions",
        API_FOREIGN_WRITE,
        kwargs=_foreign_meeting,
        method="post",
        data={"text": "Afficher les heures d'affluence à l'entrée."},
        label="foreign",
    ),
    Case(
        "api:meeting-decision-to-action",
        api(FORBIDDEN, quality_manager=201, auditor=NOT_FOUND),
        kwargs=_own_decision,
        method="post",
        label="own",
    ),
    Case(
        "api:meeting-decision-to-action",
        API_FOREIGN_WRITE,
        kwargs=_foreign_decision,
        method="post",
        label="foreign",
    ),
    Case("api:training-list", api(200)),
    Case("api:training-list", api(200), query="?reception=true&trained_before=2016-01-01", label="filtered"),
    Case(
        "api:training-list",
        api(FORBIDDEN, quality_manager=201, site_referent=201, auditor=400),
        method="post",
        data=lambda w: {
            "person": "agent",
            "site": w.site.pk,
            "course": "Accueil du public",
            "reception": True,
            "trained_on": "2015-03-17",
        },
        label="create",
    ),
    Case("api:training-detail", API_READERS, kwargs=_own_training, label="own"),
    Case(
        "api:training-detail",
        api(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister_training,
        label="sister",
    ),
    Case("api:training-detail", API_FOREIGN_READ, kwargs=_foreign_training, label="foreign"),
    Case(
        "api:training-detail",
        api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_own_training,
        method="patch",
        data={"course": "Accueil du public (session de rattrapage)"},
        label="edit own",
    ),
    Case(
        "api:training-detail",
        API_FOREIGN_WRITE,
        kwargs=_foreign_training,
        method="patch",
        data={"course": "Accueil du public"},
        label="edit foreign",
    ),
    Case("api:training-agents-not-trained", api(200)),
]

CASES = HTML_CASES + API_CASES
