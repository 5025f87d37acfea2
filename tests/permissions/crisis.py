"""Crisis communication (module 7): the on-call roster, the events and exercises log, the press releases; pages
and API.

The registers belong to a prefecture: its quality manager writes them; its managers, and the referents and agents
of its sites, read them; national administrators read every prefecture's and write none (403 on what they see);
auditors see none (404, or an empty list).
"""

from crisis.models import CrisisLesson
from engagements.models import ActionPlan
from tests import factories
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def _shift(prefecture):
    return {"pk": factories.OnCallShiftFactory(prefecture=prefecture).pk}


def _event(prefecture):
    return {"pk": factories.CrisisEventFactory(prefecture=prefecture).pk}


def _release(prefecture):
    return {"pk": factories.PressReleaseFactory(prefecture=prefecture).pk}


def _lesson(prefecture):
    ActionPlan.objects.create(prefecture=prefecture, title="Plan d'action qualité")
    event = factories.CrisisEventFactory(prefecture=prefecture)
    lesson = CrisisLesson.objects.create(event=event, text="Mettre à jour l'annuaire d'astreinte.")
    return {"pk": event.pk, "lesson_pk": lesson.pk}


def _mismatched_lesson(w):
    """A lesson of a foreign exercise, reached through an exercise of the user's prefecture."""
    return {"pk": _event(w.prefecture)["pk"], "lesson_pk": _lesson(w.foreign_prefecture)["lesson_pk"]}


def own(make):
    return lambda w: make(w.prefecture)


def foreign(make):
    return lambda w: make(w.foreign_prefecture)


READERS = expect(200, auditor=NOT_FOUND)
WRITERS = expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)
CREATORS = expect(FORBIDDEN, quality_manager=200)

API_READERS = api(200, auditor=NOT_FOUND)
API_FOREIGN_READ = api(NOT_FOUND, national=200)
API_FOREIGN_WRITE = api(NOT_FOUND, national=FORBIDDEN)
# For an auditor the prefecture is outside their scope: it "does not exist" (400).
API_CREATORS = api(FORBIDDEN, quality_manager=201, auditor=400)


def _rows(name, make, *, read=READERS, write=WRITERS, detail=None, edit=None):
    """The own and foreign rows of a register's detail or edit page."""
    rows = []
    if detail:
        rows += [
            Case(detail, read, kwargs=own(make), label="own"),
            Case(detail, FOREIGN_READ, kwargs=foreign(make), label="foreign"),
        ]
    if edit:
        rows += [
            Case(edit, write, kwargs=own(make), label="own"),
            Case(edit, FOREIGN_WRITE, kwargs=foreign(make), label="foreign"),
        ]
    return rows


HTML_CASES = [
    Case("on_call_roster", expect(200)),  # scoped: an auditor gets an empty roster
    Case("on_call_roster", expect(200), query="?since=2015-03-01&until=2015-03-31&q=Vidal", label="filtered"),
    Case("on_call_shift_create", CREATORS),
    *_rows("shift", _shift, edit="on_call_shift_edit"),
    *_rows("shift", _shift, edit="on_call_shift_delete"),
    Case("crisis_event_list", expect(200)),
    Case("crisis_event_list", expect(200), query="?kind=exercise&with_cip=true&year=2015", label="filtered"),
    Case("crisis_event_create", CREATORS),
    *_rows("event", _event, detail="crisis_event_detail", edit="crisis_event_edit"),
    *_rows("event", _event, edit="crisis_lesson_add"),
    *_rows("lesson", _lesson, edit="crisis_lesson_action"),
    Case(
        "crisis_lesson_action",
        expect(FORBIDDEN, quality_manager=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_mismatched_lesson,
        label="mismatched",
    ),
    Case("press_release_list", expect(200)),
    Case("press_release_list", expect(200), query="?year=2015", label="filtered"),
    Case("press_release_create", CREATORS),
    *_rows("release", _release, edit="press_release_edit"),
    Case("press_release_export_csv", expect(200)),
    Case("press_release_export_xlsx", expect(200), query="?year=2015", label="filtered"),
]

SHIFT_DATA = {
    "person_name": "Anne Vidal, cabinet",
    "phone": "06 12 34 56 78",
    "starts_at": "2015-03-02T09:00",
    "ends_at": "2015-03-09T09:00",
}


def _with_prefecture(data):
    return lambda w: {"prefecture": w.prefecture.pk, **data}


API_CASES = [
    Case("api:on-call-shift-list", api(200)),
    Case("api:on-call-shift-list", api(200), query="?since=2015-03-01", label="filtered"),
    Case("api:on-call-shift-list", API_CREATORS, method="post", data=_with_prefecture(SHIFT_DATA), label="create"),
    Case("api:on-call-shift-detail", API_READERS, kwargs=own(_shift), label="own"),
    Case("api:on-call-shift-detail", API_FOREIGN_READ, kwargs=foreign(_shift), label="foreign"),
    Case(
        "api:on-call-shift-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=own(_shift),
        method="patch",
        data={"phone": "04 84 35 40 00"},
        label="edit own",
    ),
    Case(
        "api:on-call-shift-detail",
        API_FOREIGN_WRITE,
        kwargs=foreign(_shift),
        method="patch",
        data={"phone": "04 84 35 40 00"},
        label="edit foreign",
    ),
    Case(
        "api:on-call-shift-detail",
        api(FORBIDDEN, quality_manager=204, auditor=NOT_FOUND),
        kwargs=own(_shift),
        method="delete",
        label="delete own",
    ),
    Case(
        "api:on-call-shift-detail", API_FOREIGN_WRITE, kwargs=foreign(_shift), method="delete", label="delete foreign"
    ),
    Case("api:on-call-shift-gaps", API_READERS, query=lambda w: f"?prefecture={w.prefecture.pk}", label="own"),
    Case(
        "api:on-call-shift-gaps",
        API_FOREIGN_READ,
        query=lambda w: f"?prefecture={w.foreign_prefecture.pk}",
        label="foreign",
    ),
    Case("api:crisis-event-list", api(200)),
    Case("api:crisis-event-list", api(200), query="?kind=exercise&year=2015", label="filtered"),
    Case(
        "api:crisis-event-list",
        API_CREATORS,
        method="post",
        data=_with_prefecture(
            {
                "kind": "exercise",
                "title": "Exercice inondation du Rhône",
                "with_cip": True,
                "alert_received_at": "2015-03-18T14:05",
                "operational_at": "2015-03-18T14:50",
            }
        ),
        label="create",
    ),
    Case("api:crisis-event-detail", API_READERS, kwargs=own(_event), label="own"),
    Case("api:crisis-event-detail", API_FOREIGN_READ, kwargs=foreign(_event), label="foreign"),
    Case(
        "api:crisis-event-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=own(_event),
        method="patch",
        data={"description": "Cellule activée par le directeur de cabinet."},
        label="edit own",
    ),
    Case(
        "api:crisis-event-detail",
        API_FOREIGN_WRITE,
        kwargs=foreign(_event),
        method="patch",
        data={"description": "Cellule activée."},
        label="edit foreign",
    ),
    Case(
        "api:crisis-event-lessons",
        api(FORBIDDEN, quality_manager=201, auditor=NOT_FOUND),
        kwargs=own(_event),
        method="post",
        data={"text": "Préparer des modèles de communiqués."},
        label="own",
    ),
    Case(
        "api:crisis-event-lessons",
        API_FOREIGN_WRITE,
        kwargs=foreign(_event),
        method="post",
        data={"text": "Préparer des modèles de communiqués."},
        label="foreign",
    ),
    Case(
        "api:crisis-event-lesson-to-action",
        api(FORBIDDEN, quality_manager=201, auditor=NOT_FOUND),
        kwargs=own(_lesson),
        method="post",
        label="own",
    ),
    Case(
        "api:crisis-event-lesson-to-action", API_FOREIGN_WRITE, kwargs=foreign(_lesson), method="post", label="foreign"
    ),
    Case("api:press-release-list", api(200)),
    Case("api:press-release-list", api(200), query="?year=2015", label="filtered"),
    Case(
        "api:press-release-list",
        API_CREATORS,
        method="post",
        data=_with_prefecture(
            {
                "title": "Feux de forêt : accès aux massifs interdit",
                "issued_at": "2015-08-11T17:30",
                "channels": ["website", "social"],
                "validated_by": "Directeur de cabinet du préfet",
            }
        ),
        label="create",
    ),
    Case("api:press-release-detail", API_READERS, kwargs=own(_release), label="own"),
    Case("api:press-release-detail", API_FOREIGN_READ, kwargs=foreign(_release), label="foreign"),
    Case(
        "api:press-release-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=own(_release),
        method="patch",
        data={"validated_by": "Sous-préfet, directeur de cabinet adjoint"},
        label="edit own",
    ),
    Case(
        "api:press-release-detail",
        API_FOREIGN_WRITE,
        kwargs=foreign(_release),
        method="patch",
        data={"validated_by": "Sous-préfet"},
        label="edit foreign",
    ),
]

CASES = HTML_CASES + API_CASES
