"""The backup drill: data with uploaded evidence files, `manage.py backup`, `manage.py restore` into a fresh database
and a fresh media folder, then the same number of rows in every table and the same files, byte for byte. On PostgreSQL
(pg_dump / pg_restore) in the PostgreSQL series, on SQLite (its online backup) in the SQLite series: each series
runs the drill of its own engine."""

import hashlib
import io
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from qualipref import backups
from tests import factories
from tests.api.conftest import world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _checksums(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def data_with_files(world, settings):  # noqa: F811
    labelling = factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site], audited=True)
    audit = factories.AuditFactory(labelling=labelling, auditors=[world.users["auditor"]])
    for number in range(3):
        engagement = audit.modules.first().engagements.all()[number]
        cell = factories.AssessmentFactory(audit=audit, site=world.site, engagement=engagement)
        cell.evidence_name = f"constat-{number}-accueil é.pdf"
        content = b"%%PDF-1.4 preuve %d" % number + bytes(range(256))
        cell.evidence.save(cell.evidence_name, ContentFile(content))
    factories.ComplaintFactory.create_batch(4, site=world.site)
    (settings.MEDIA_ROOT / "orphelin").mkdir(parents=True)
    (settings.MEDIA_ROOT / "orphelin" / "note.txt").write_text("fichier sans ligne en base")
    return audit


@pytest.fixture
def fresh_database():
    """An empty database of the same engine: a new PostgreSQL database (dropped afterwards) or a new SQLite file."""
    if connection.vendor == "sqlite":
        yield None  # the test gives a file under tmp_path
        return
    name = f"qualipref_restore_{uuid.uuid4().hex[:12]}"
    settings_dict = connection.settings_dict
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        user = settings_dict.get("USER") or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        yield f"postgres://{user}{password}@{host}:{port}/{name}"
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_backup_restores_into_a_fresh_database_and_media_folder_with_every_row_and_file(
    data_with_files,
    fresh_database,
    settings,
    tmp_path,
    client,
    world,  # noqa: F811
):
    client.force_login(world.users["auditor"])  # a session: left out of the backup
    source_counts = backups.table_counts()
    source_files = _checksums(settings.MEDIA_ROOT)
    assert (
        len(source_files) == 4
        and source_counts["audits_assessment"] == 3
        and source_counts["complaints_complaint"] == 4
    )

    out = io.StringIO()
    call_command("backup", output_dir=tmp_path / "sauvegardes", keep=0, stdout=out)
    archive = next((tmp_path / "sauvegardes").glob("qualipref-*.tar"))
    assert "Sauvegarde écrite" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    database_url = fresh_database or f"sqlite:///{tmp_path / 'restauree.sqlite3'}"
    restored_media = tmp_path / "medias-restaurees"
    out = io.StringIO()
    call_command("restore", str(archive), database_url=database_url, media_root=str(restored_media), stdout=out)
    assert "empreintes et nombres de lignes vérifiés" in out.getvalue()

    import dj_database_url

    restored_counts = backups.table_counts(database=dj_database_url.parse(database_url))
    expected = {table: rows for table, rows in source_counts.items() if table not in backups.EXCLUDED_TABLE_DATA}
    assert {table: rows for table, rows in restored_counts.items() if table in expected} == expected
    assert source_counts["django_session"] == 1 and restored_counts["django_session"] == 0  # the table, empty
    assert set(restored_counts) == set(source_counts)
    assert _checksums(restored_media) == source_files


def test_a_restore_refuses_a_database_or_media_folder_that_is_not_empty(data_with_files, settings, tmp_path):
    call_command("backup", output_dir=tmp_path, keep=0, stdout=io.StringIO())
    archive = next(tmp_path.glob("qualipref-*.tar"))
    with pytest.raises(CommandError, match="n'est pas vide : restaurez dans un dossier neuf"):
        call_command("restore", str(archive), media_root=str(settings.MEDIA_ROOT), stdout=io.StringIO())
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="n'est pas vide : créez une base neuve"):
            call_command("restore", str(archive), media_root=str(tmp_path / "neuf"), stdout=io.StringIO())


def test_an_altered_archive_is_refused_before_anything_is_written(data_with_files, tmp_path):
    call_command("backup", output_dir=tmp_path / "a", keep=0, stdout=io.StringIO())
    archive = next((tmp_path / "a").glob("qualipref-*.tar"))
    altered = tmp_path / "alteree.tar"
    with tarfile.open(archive) as source, tarfile.open(altered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/audits/"):
                data = data[:-1] + b"X"
            target.addfile(member, io.BytesIO(data))
    media = tmp_path / "medias"
    with pytest.raises(CommandError, match="Archive altérée : media/audits/.* empreinte SHA-256"):
        call_command("restore", str(altered), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", media_root=str(media))
    assert not media.exists() and not (tmp_path / "x.sqlite3").exists()


def test_the_oldest_archives_beyond_the_kept_number_are_deleted(tmp_path):
    for day in range(1, 6):
        (tmp_path / f"qualipref-2026010{day}-023000.tar").write_bytes(b"")
    (tmp_path / "autre.tar").write_bytes(b"")
    deleted = backups.prune(output_dir=tmp_path, keep=2)
    assert [path.name for path in deleted] == [f"qualipref-2026010{day}-023000.tar" for day in (1, 2, 3)]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "autre.tar",
        "qualipref-20260104-023000.tar",
        "qualipref-20260105-023000.tar",
    ]
