"""Dates in French sentences (qualipref.lib.dates): the same strings as the templates' named formats."""

import datetime
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone

from qualipref.lib.dates import short_date, short_datetime

DAY = datetime.date(2026, 3, 5)
# 23:30 UTC on 5 March is already 6 March in Paris.
LATE_EVENING_UTC = datetime.datetime(2026, 3, 5, 23, 30, tzinfo=datetime.UTC)


def _render(source, **context):
    return Template(source).render(Context(context))


def test_python_and_templates_write_the_same_short_date():
    assert short_date(DAY) == _render('{{ day|date:"SHORT_DATE_FORMAT" }}', day=DAY) == "05/03/2026"


def test_a_datetime_reads_in_local_time():
    assert short_date(LATE_EVENING_UTC) == "06/03/2026"
    assert short_datetime(LATE_EVENING_UTC) == "06/03/2026 00:30"
    assert _render('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', moment=LATE_EVENING_UTC) == "06/03/2026 00:30"


def test_the_project_format_with_a_french_at():
    moment = timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 7))
    assert _render('{{ moment|date:"SHORT_DATE_AT_TIME_FORMAT" }}', moment=moment) == "05/03/2026 à 09:07"


def test_nothing_reads_as_the_given_placeholder():
    assert short_date(None) == ""
    assert short_date(None, empty="—") == "—"


# --- one way: no date format spelled by hand ------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# Parsing what people type or import (not display), data generators of the benchmarks, landed migrations.
SPELLED_ALLOWED = {"engagements/forms/actions.py", "indicators/services/footfall.py"}
SPELLED_SKIPPED_DIRS = {".venv", "tests", "bench", "migrations", "var", "node_modules", ".git"}


def _files(suffix):
    for path in ROOT.rglob(f"*{suffix}"):
        relative = path.relative_to(ROOT)
        if not SPELLED_SKIPPED_DIRS.intersection(relative.parts):
            yield relative.as_posix(), path.read_text(encoding="utf-8")


def test_templates_name_their_date_formats():
    """|date:"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "SHORT_DATE_AT_TIME_FORMAT" (qualipref/formats/fr)."""
    spelled = [name for name, text in _files(".html") if re.search(r'\|date:"[^"]*d/m/Y', text)]
    assert spelled == []


def test_python_writes_dates_with_short_date():
    spelled = [name for name, text in _files(".py") if "%d/%m/%Y" in text and name not in SPELLED_ALLOWED]
    assert spelled == []
