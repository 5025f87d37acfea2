"""The history renderer every app shares (qualipref.lib.history): how values read, who acted, which versions
show, and a fixed number of queries whatever the number of versions. Exercised on a correspondence item."""

import datetime

import pytest

from complaints.history import CORRESPONDENCE_HISTORY
from qualipref.lib.history import FieldHistory
from tests import factories

pytestmark = pytest.mark.django_db


def _save(item, *, by=None, reason=None, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    item._history_user = by
    item._change_reason = reason
    item.save()


def test_values_read_in_french_and_a_deleted_user_by_its_number():
    agent, gone = factories.UserFactory(first_name="Camille", last_name="Durand"), factories.UserFactory()
    item = factories.CorrespondenceFactory()
    _save(item, by=agent, assigned_to=gone)
    _save(item, by=agent, assigned_to=agent)
    gone_pk = gone.pk
    gone.delete()
    answered_on = item.received_on + datetime.timedelta(days=3)
    _save(item, by=agent, answered_on=answered_on, answered_in_time=True, answer_delay=3)

    answer, reassignment, assignment, creation = CORRESPONDENCE_HISTORY.of(item)

    # answer_delay is hidden; the date and the boolean read in French
    assert [(c.label, c.old_display, c.new_display) for c in answer.changes] == [
        ("répondu le", "—", answered_on.strftime("%d/%m/%Y")),
        ("répondu dans les délais", "—", "oui"),
    ]
    assert [(c.old, c.old_display, c.new_display) for c in reassignment.changes] == [
        (gone_pk, f"n° {gone_pk} (supprimé)", "Camille Durand")
    ]
    assert assignment.changes[0].old_display == "—" and assignment.user_display == "Camille Durand"
    # created without a user nor a reason: the application, or the source a register names for it
    assert (creation.kind, creation.user, creation.user_display) == ("creation", None, "Qualipref")
    assert FieldHistory(nobody_at_creation="Formulaire public").of(item)[-1].user_display == "Formulaire public"


def test_a_version_shows_when_a_shown_field_changed_or_it_gives_a_reason():
    item = factories.CorrespondenceFactory()
    _save(item, created_by=factories.UserFactory())  # a hidden field only
    _save(item, reason="Relance téléphonique")  # no change but a reason
    _save(item, delay_days=20)

    shown = CORRESPONDENCE_HISTORY.of(item)
    days = FieldHistory(hidden=frozenset({"created_by"}), formatters={"delay_days": lambda n: f"{n} jours"}).of(item)

    assert [(e.kind, e.reason, len(e.changes)) for e in shown] == [
        ("modification", "", 1),
        ("modification", "Relance téléphonique", 0),
        ("creation", "", 0),
    ]
    assert [(c.old_display, c.new_display) for c in days[0].changes] == [("15 jours", "20 jours")]
    assert [entry.user_display for entry in days] == ["Qualipref"] * 3


@pytest.mark.parametrize("versions", [1, 12])
def test_a_history_costs_the_same_queries_for_1_or_12_versions(versions, django_assert_num_queries):
    users = [factories.UserFactory(), factories.UserFactory()]
    item = factories.CorrespondenceFactory()
    for index in range(versions):
        _save(item, by=users[index % 2], assigned_to=users[(index + 1) % 2], subject=f"Objet {index}")

    # the history rows with their authors, then the users named in the changes: not one query per change
    with django_assert_num_queries(2):
        entries = CORRESPONDENCE_HISTORY.of(item)

    assert len(entries) == versions + 1
