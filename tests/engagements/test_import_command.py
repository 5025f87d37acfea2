"""``manage.py import_referential FILE [--dry-run]``: counts on success, line-numbered errors and exit 1 on failure."""

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections

from engagements.models import Referential

pytestmark = pytest.mark.django_db


def test_the_command_imports_a_file_and_prints_the_counts(small, write, capsys):
    call_command("import_referential", str(write(small)))

    out = capsys.readouterr().out
    assert "Référentiel de test, version 1 (TEST) : nouvelle version créée." in out
    assert "Modules : 2 créé(s), 0 mis à jour, 0 inchangé(s)." in out
    assert "Engagements : 3 créé(s), 0 mis à jour, 0 inchangé(s)." in out
    assert Referential.objects.filter(code="TEST", version="1").exists()


def test_the_dry_run_option_writes_nothing(small, write, capsys):
    call_command("import_referential", str(write(small)), "--dry-run")

    assert "Simulation (--dry-run) : rien n'a été enregistré." in capsys.readouterr().out
    assert not Referential.objects.filter(code="TEST").exists()


def test_a_refused_file_is_a_command_error_listing_the_lines(small, write):
    path = write(small.replace("comparison: lt", "comparison: lower"))

    with pytest.raises(CommandError) as refused:
        call_command("import_referential", str(path))

    assert "rien n'a été enregistré" in str(refused.value)
    assert "ligne 15 : comparaison « lower » inconnue (attendu lt, lte, gt, gte)" in str(refused.value)


def test_a_refused_file_exits_with_a_non_zero_status_and_says_why_on_stderr(small, write, capsys, monkeypatch):
    path = write(small.replace("follow_up_months: 12", "follow_up_months: 0"))
    # manage.py closes the connections on exit: keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_referential", str(path)])

    assert exited.value.code == 1
    assert "ligne 5 : « follow_up_months » doit être un entier positif (reçu : 0)" in capsys.readouterr().err
    assert not Referential.objects.filter(code="TEST").exists()


def test_reimporting_a_shipped_file_reports_it_unchanged(shipped, capsys):
    call_command("import_referential", str(shipped["MARIANNE"]))

    out = capsys.readouterr().out
    assert "Label Marianne, version 2008 (MARIANNE) : version existante." in out
    assert "Engagements : 0 créé(s), 0 mis à jour, 24 inchangé(s)." in out
