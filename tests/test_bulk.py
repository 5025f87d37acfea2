"""qualipref.lib.bulk: rows inserted without model instances (COPY on PostgreSQL, multi-row INSERTs on SQLite) come
back exactly as given, special characters and NULLs included, with their history rows; conflicts raise Django's
IntegrityError on both databases."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from complaints.models import Correspondence
from qualipref.lib import bulk
from tests import factories

pytestmark = pytest.mark.django_db

# What COPY's text format escapes or could mistake for something else: tab, line breaks, backslash, its end marker
# and NULL marker as plain text, quotes, accents, leading and trailing spaces, the empty string.
TEXTS = [
    "tab\there",
    "line\nbreak and\r\nCRLF",
    "back\\slash \\t \\n",
    "\\.",
    "\\N",
    "« guillemets » \"double\" 'simple' ; virgule, point-virgule",
    "Éléonore Çà-et-là ñ ß 漢字 🙂",
    "  spaces around  ",
    "",
]


def _rows(site, user, now):
    rows = []
    for index, text in enumerate(TEXTS):
        answered = index % 2 == 0
        rows.append(
            {
                "prefecture_id": site.prefecture_id,
                "site_id": site.pk,
                "service_id": None,
                "import_batch_id": None,
                "created_by_id": user.pk,
                "assigned_to_id": None,
                "anonymised_on": None,
                "created_at": now,
                "updated_at": now,
                "kind": "letter",
                "reference": f"REF-{index}" if text else "",
                "subject": text,
                "sender": text[::-1],
                "received_on": datetime.date(2026, 3, 2),
                "delay_days": 15,
                "due_on": datetime.date(2026, 3, 23),
                "answered_on": datetime.date(2026, 3, 10) if answered else None,
                "answer_delay": 6 if answered else None,
                "answered_in_time": True if answered else None,
                "answered_by_id": user.pk if answered else None,
                "response": text if answered else "",
                "sender_email": f"expediteur{index}@exemple.fr" if text else "",
                "sender_address": text,
            }
        )
    return rows


def test_rows_and_their_history_rows_round_trip_exactly():
    site = factories.SiteFactory()
    user = factories.UserFactory()
    now = timezone.now().replace(microsecond=123456)
    rows = _rows(site, user, now)

    pks = bulk.insert_rows(Correspondence, rows, returning=True, batch_size=4)
    history_model, history = bulk.history_rows(Correspondence, rows, pks, user_id=user.pk, date=now, reason="Test")
    bulk.insert_rows(history_model, history, batch_size=4)

    assert len(set(pks)) == len(rows)
    fields = list(rows[0])
    saved = {item["pk"]: item for item in Correspondence.objects.values("pk", *fields)}
    assert [{name: saved[pk][name] for name in fields} for pk in pks] == rows
    records = {record.id: record for record in history_model.objects.all()}
    assert set(records) == set(pks)
    for pk, row in zip(pks, rows, strict=True):
        record = records[pk]
        assert (record.subject, record.reference, record.answered_on, record.answered_in_time) == (
            row["subject"],
            row["reference"],
            row["answered_on"],
            row["answered_in_time"],
        )
        assert (record.history_type, record.history_user_id, record.history_date, record.history_change_reason) == (
            "+",
            user.pk,
            now,
            "Test",
        )
    # The rows are real: the ORM's own writes go on after them (the sequence was advanced past the keys taken).
    later = factories.CorrespondenceFactory(site=site)
    assert later.pk > max(pks)


def test_a_conflict_raises_djangos_integrity_error_and_writes_nothing():
    site = factories.SiteFactory()
    user = factories.UserFactory()
    factories.CorrespondenceFactory(site=site, reference="REF-3")
    rows = _rows(site, user, timezone.now())

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(Correspondence, rows, returning=True)

    assert list(Correspondence.objects.values_list("reference", flat=True)) == ["REF-3"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY : PostgreSQL seulement (CI).")
def test_on_postgresql_the_rows_are_copied_not_inserted(django_assert_num_queries):
    site = factories.SiteFactory()
    user = factories.UserFactory()
    rows = _rows(site, user, timezone.now())

    # Only the keys are read through Django's cursor; COPY goes to the driver (it is not a query Django counts).
    with django_assert_num_queries(1) as context:
        pks = bulk.insert_rows(Correspondence, rows, returning=True, batch_size=2)
    assert "nextval" in context.captured_queries[0]["sql"]
    assert Correspondence.objects.filter(pk__in=pks).count() == len(rows)


def test_the_copy_text_of_a_column_is_that_of_each_value_whatever_the_column_holds():
    # A whole text column is escaped at once (joined, then split again): same texts as value by value, with TextChoices
    # members (str subclasses), NULLs, and the numbers, dates and booleans of the other columns.
    fields = {field.name: field for field in Correspondence._meta.concrete_fields}
    columns = [
        (fields["subject"], TEXTS),
        (fields["subject"], [*TEXTS, None]),
        (fields["kind"], [Correspondence.Kind.LETTER, Correspondence.Kind.EMAIL, "courriel"]),
        (fields["delay_days"], [15, 15, 0, None, 8]),
        (fields["received_on"], [datetime.date(2026, 1, 31), None, datetime.date(2026, 1, 31)]),
        (fields["answered_in_time"], [True, False, None, True]),
    ]
    for field, values in columns:
        assert bulk._copy_column(field, values) == [bulk._copy_text(value) for value in values], field.name
