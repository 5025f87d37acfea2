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


# --- the training plan: sessions and people without an account ------------------------------------------


def _session_of(site):
    import datetime

    from django.utils import timezone

    from engagements.models import TrainingSession

    starts = timezone.now() + datetime.timedelta(days=10)
    return TrainingSession.objects.create(
        site=site,
        course="Accueil du public",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place="Salle Puget",
        capacity=10,
    )


def _trainee_of(site):
    import datetime

    from engagements.models import Trainee

    return Trainee.objects.create(
        site=site, first_name="Nadia", last_name="Haddad", started_on=datetime.date(2013, 9, 1)
    )


def _in_days(days, hour):
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))).isoformat()


def _own_session(w):
    return {"pk": _session_of(w.site).pk}


def _sister_session(w):
    return {"pk": _session_of(w.sister_site).pk}


def _foreign_session(w):
    return {"pk": _session_of(w.foreign_site).pk}


def _own_enrolment(w):
    session = _session_of(w.site)
    enrolment = session.enrolments.create(trainee=_trainee_of(w.site))
    return {"pk": session.pk, "enrolment_pk": enrolment.pk}


def _foreign_enrolment(w):
    session = _session_of(w.foreign_site)
    enrolment = session.enrolments.create(trainee=_trainee_of(w.foreign_site))
    return {"pk": session.pk, "enrolment_pk": enrolment.pk}


def _own_enrolment_session(w):
    """The session of an enrolment, which the row keeps for its data."""
    kwargs = _own_enrolment(w)
    w.enrolment_pk = kwargs["enrolment_pk"]
    return {"pk": kwargs["pk"]}


def _own_trainee(w):
    return {"pk": _trainee_of(w.site).pk}


def _foreign_trainee(w):
    return {"pk": _trainee_of(w.foreign_site).pk}


# Sessions of a site: read by the prefecture's roles and the site's people; planned by the quality manager and the
# site's referent. People without an account: not read by agents (personal data).
SESSION_WRITERS = expect(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND)
SISTER_SESSION_READ = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
TRAINEE_WRITERS = expect(FORBIDDEN, quality_manager=200, site_referent=200, agent=NOT_FOUND, auditor=NOT_FOUND)
UNENROL = expect(FORBIDDEN, quality_manager=302, site_referent=302, auditor=NOT_FOUND)

HTML_CASES += [
    Case("training_session_list", expect(200)),
    Case("training_session_list", expect(200), query="?kind=cip&when=coming", label="filtered"),
    Case("training_session_create", expect(FORBIDDEN, quality_manager=200, site_referent=200)),
    Case("training_session_detail", expect(200, auditor=NOT_FOUND), kwargs=_own_session, label="own"),
    Case("training_session_detail", SISTER_SESSION_READ, kwargs=_sister_session, label="sister"),
    Case("training_session_detail", FOREIGN_READ, kwargs=_foreign_session, label="foreign"),
    Case("training_session_edit", SESSION_WRITERS, kwargs=_own_session, label="own"),
    Case("training_session_edit", FOREIGN_WRITE, kwargs=_foreign_session, label="foreign"),
    Case("training_session_enrol", SESSION_WRITERS, kwargs=_own_session, label="own"),
    Case("training_session_enrol", FOREIGN_WRITE, kwargs=_foreign_session, label="foreign"),
    Case("training_session_attendance", SESSION_WRITERS, kwargs=_own_session, label="own"),
    Case("training_session_attendance", FOREIGN_WRITE, kwargs=_foreign_session, label="foreign"),
    Case("training_session_unenrol", UNENROL, kwargs=_own_enrolment, method="post", label="own"),
    Case("training_session_unenrol", FOREIGN_WRITE, kwargs=_foreign_enrolment, method="post", label="foreign"),
    Case("trainee_list", expect(200)),
    Case("trainee_list", expect(200), query="?current=true", label="filtered"),
    Case("trainee_create", expect(FORBIDDEN, quality_manager=200, site_referent=200)),
    Case("trainee_edit", TRAINEE_WRITERS, kwargs=_own_trainee, label="own"),
    Case("trainee_edit", FOREIGN_WRITE, kwargs=_foreign_trainee, label="foreign"),
]

API_CASES += [
    Case("api:training-session-list", api(200)),
    Case("api:training-session-list", api(200), query="?kind=on_call", label="filtered"),
    Case(
        "api:training-session-list",
        api(FORBIDDEN, quality_manager=201, site_referent=201, auditor=400),
        method="post",
        data=lambda w: {
            "site": w.site.pk,
            "course": "Formation des membres de la CIP",
            "kind": "cip",
            "starts_at": _in_days(30, 9),
            "ends_at": _in_days(30, 12),
            "place": "Salle de crise",
            "capacity": 10,
            "min_enrolled": 4,
        },
        label="create",
    ),
    Case("api:training-session-detail", api(200, auditor=NOT_FOUND), kwargs=_own_session, label="own"),
    Case(
        "api:training-session-detail",
        api(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister_session,
        label="sister",
    ),
    Case("api:training-session-detail", API_FOREIGN_READ, kwargs=_foreign_session, label="foreign"),
    Case(
        "api:training-session-detail",
        api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_own_session,
        method="patch",
        data={"place": "Salle Cézanne"},
        label="edit own",
    ),
    Case(
        "api:training-session-detail",
        API_FOREIGN_WRITE,
        kwargs=_foreign_session,
        method="patch",
        data={"place": "Salle Cézanne"},
        label="edit foreign",
    ),
    Case(
        "api:training-session-enrol",
        api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_own_session,
        method="post",
        data={"user": "agent"},
        label="own",
    ),
    Case(
        "api:training-session-enrol",
        API_FOREIGN_WRITE,
        kwargs=_foreign_session,
        method="post",
        data={"user": "agent"},
        label="foreign",
    ),
    Case(
        "api:training-session-unenrol",
        api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_own_enrolment_session,
        method="post",
        data=lambda w: {"enrolment": w.enrolment_pk},
        label="own",
    ),
    Case(
        "api:training-session-unenrol",
        API_FOREIGN_WRITE,
        kwargs=_foreign_session,
        method="post",
        data={"enrolment": 0},
        label="foreign",
    ),
    Case(
        "api:training-session-attendance",
        # Before the session starts, the attendance is refused (400) to those who may record it.
        api(FORBIDDEN, quality_manager=400, site_referent=400, auditor=NOT_FOUND),
        kwargs=_own_session,
        method="post",
        data={"present": []},
        label="own",
    ),
    Case(
        "api:training-session-attendance",
        API_FOREIGN_WRITE,
        kwargs=_foreign_session,
        method="post",
        data={"present": []},
        label="foreign",
    ),
    Case("api:trainee-list", api(200)),
    Case("api:trainee-list", api(200), query="?q=haddad", label="filtered"),
    Case(
        "api:trainee-list",
        api(FORBIDDEN, quality_manager=201, site_referent=201, auditor=400),
        method="post",
        data=lambda w: {"site": w.site.pk, "first_name": "Inès", "last_name": "Roussel", "started_on": "2014-09-01"},
        label="create",
    ),
    Case("api:trainee-detail", api(200, agent=NOT_FOUND, auditor=NOT_FOUND), kwargs=_own_trainee, label="own"),
    Case("api:trainee-detail", API_FOREIGN_READ, kwargs=_foreign_trainee, label="foreign"),
    Case(
        "api:trainee-detail",
        api(FORBIDDEN, quality_manager=200, site_referent=200, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_own_trainee,
        method="patch",
        data={"position": "Guichet 3"},
        label="edit own",
    ),
    Case(
        "api:trainee-detail",
        API_FOREIGN_WRITE,
        kwargs=_foreign_trainee,
        method="patch",
        data={"position": "Guichet 3"},
        label="edit foreign",
    ),
]

CASES = HTML_CASES + API_CASES
