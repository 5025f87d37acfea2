"""Backups of the database and the uploaded files (media), and their restoration (docs/exploitation.md,
§ Sauvegardes et restauration).

One archive per run, ``qualipref-AAAAMMJJ-HHMMSS.tar`` (uncompressed tar: the dump is already compressed, the media
are PDFs and images), holding:

- ``database.dump``: PostgreSQL's ``pg_dump --format=custom`` (restored by ``pg_restore``, usable without the
  application), or ``database.sqlite3``: SQLite's online backup of the embedded mode (a consistent copy while the
  application runs);
- ``media/…``: every uploaded file (evidence, reports, imports);
- ``manifest.json``: date, engine, the SHA-256 of every file of the archive and the number of rows of every table,
  checked again by the restoration before it writes anything.

Left out on purpose: the sessions' data (``django_session``: users sign in again after a restoration), the cache and
the Celery broker (Redis, or ``var/celery`` in the embedded mode): nothing there is needed to start again.
The database is dumped before the media are read: a file uploaded meanwhile is in the archive without its row
(harmless), never a row without its file unless the file was deleted during the backup.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections

ARCHIVE_PREFIX = "qualipref-"
EXCLUDED_TABLE_DATA = ("django_session",)


class BackupError(Exception):
    """A backup or a restoration refused or failed: its message is French and says what to do."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environ(database):
    """libpq's variables for a Django database (the password never appears on a command line)."""
    environ = {**os.environ, "PGDATABASE": database["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            environ[variable] = str(database[key])
    return environ


def _run(command, environ, what):
    try:
        result = subprocess.run(command, env=environ, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} est introuvable : installez le client PostgreSQL (paquet postgresql-client) "
            "de la même version que le serveur."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{what} a échoué : {result.stderr.strip()}")


def table_counts(alias="default", *, database=None):
    """{table: number of rows} of every table of a database (``database``: a settings dict, else ``alias``)."""
    if database is None:
        connection = connections[alias]
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            counts = {}
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
            return counts
    if database["ENGINE"] == "django.db.backends.sqlite3":
        raw = sqlite3.connect(database["NAME"])
        try:
            tables = [
                name
                for (name,) in raw.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {table: raw.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
        finally:
            raw.close()
    import psycopg2

    params = {"dbname": database["NAME"], "host": database.get("HOST") or None, "port": database.get("PORT") or None}
    params.update({"user": database.get("USER") or None, "password": database.get("PASSWORD") or None})
    raw = psycopg2.connect(**{key: value for key, value in params.items() if value})
    try:
        with raw.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            counts = {}
            for (table,) in cursor.fetchall():
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        raw.close()  # else the database could not be dropped or renamed afterwards


# --- backup ---------------------------------------------------------------------------------------------------


def _dump_database(alias, folder):
    connection = connections[alias]
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
        command += [f"--exclude-table-data={table}" for table in EXCLUDED_TABLE_DATA]
        _run(command, _pg_environ(database), "La sauvegarde de la base (pg_dump)")
        return target
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # SQLite's online backup: a consistent copy
            copy.execute("PRAGMA secure_delete = ON")  # the deleted sessions are overwritten in the file, not freed
            for table in EXCLUDED_TABLE_DATA:
                copy.execute(f'DELETE FROM "{table}"')
            copy.commit()
        finally:
            copy.close()
        return target
    raise BackupError(f"Base de données non prise en charge par la sauvegarde : {connection.vendor}.")


def backup(*, output_dir, media_root=None, alias="default", now=None):
    """Write an archive of the database and the media into ``output_dir``; its path."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"{ARCHIVE_PREFIX}{stamp}.tar"
    partial = archive.with_suffix(".tar.partial")
    counts = table_counts(alias)
    for table in EXCLUDED_TABLE_DATA:
        counts.pop(table, None)
    with tempfile.TemporaryDirectory(prefix="qualipref-backup-") as work:
        dump = _dump_database(alias, Path(work))
        files = {dump.name: _sha256(dump)}
        media = sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.is_dir() else []
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=dump.name)
            for path in media:
                name = f"media/{path.relative_to(media_root).as_posix()}"
                files[name] = _sha256(path)
                tar.add(path, arcname=name, recursive=False)
            manifest = {
                "format": 1,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "engine": connections[alias].vendor,
                "database": dump.name,
                "files": files,
                "tables": counts,
                "excluded_table_data": list(EXCLUDED_TABLE_DATA),
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
    os.chmod(partial, 0o600)  # personal data, password hashes: readable by the owner only
    partial.rename(archive)  # complete archives only carry the final name
    return archive


def prune(*, output_dir, keep):
    """Delete the oldest archives of ``output_dir`` beyond the ``keep`` newest; the deleted paths."""
    archives = sorted(Path(output_dir).glob(f"{ARCHIVE_PREFIX}*.tar"))
    doomed = archives[: max(len(archives) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


# --- restore --------------------------------------------------------------------------------------------------


def _safe_members(tar):
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Archive refusée : chemin ou type de fichier inattendu ({member.name}).")
    return tar.getmembers()


def read_archive(archive, folder):
    """Extract ``archive`` into ``folder`` and check every file against the manifest; the manifest."""
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(folder, members=_safe_members(tar), filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Archive illisible ({archive}) : {error}") from None
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        raise BackupError(
            "Archive sans manifeste lisible (manifest.json) : ce n'est pas une sauvegarde Qualipref."
        ) from None
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != checksum:
            raise BackupError(f"Archive altérée : {name} ne correspond pas à son empreinte SHA-256.")
    return manifest


def _database_is_empty(database):
    try:
        return not table_counts(database=database)
    except Exception as error:  # noqa: BLE001 - said to the operator with its cause
        raise BackupError(f"Base cible injoignable ({database['NAME']}) : {error}") from None


def restore(*, archive, database_url=None, media_root=None):
    """Restore ``archive`` into an empty database (``database_url``, else the configured one) and an empty media
    folder; then compare the number of rows of every table with the manifest. The restored manifest."""
    database = dj_database_url.parse(database_url) if database_url else dict(connections["default"].settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"Le dossier des médias {media_root} n'est pas vide : restaurez dans un dossier neuf.")
    sqlite = database["ENGINE"] == "django.db.backends.sqlite3"
    if sqlite and Path(database["NAME"]).exists() and Path(database["NAME"]).stat().st_size:
        raise BackupError(f"La base SQLite {database['NAME']} existe déjà : restaurez dans un fichier neuf.")
    if not sqlite and not _database_is_empty(database):
        raise BackupError(
            f"La base {database['NAME']} n'est pas vide : créez une base neuve (createdb), restaurez-y la "
            "sauvegarde, puis faites-y pointer DATABASE_URL."
        )
    with tempfile.TemporaryDirectory(prefix="qualipref-restore-") as work:
        work = Path(work)
        manifest = read_archive(archive, work)
        if manifest["engine"] != ("sqlite" if sqlite else "postgresql"):
            raise BackupError(
                f"Sauvegarde d'une base {manifest['engine']} : elle se restaure dans une base du même moteur."
            )
        dump = work / manifest["database"]
        if sqlite:
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, database["NAME"])
        else:
            command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
            command += [f"--dbname={database['NAME']}", str(dump)]
            _run(command, _pg_environ(database), "La restauration de la base (pg_restore)")
        media_root.mkdir(parents=True, exist_ok=True)
        if (work / "media").is_dir():
            shutil.copytree(work / "media", media_root, dirs_exist_ok=True)
    restored = table_counts(database=database)
    different = {
        table: (expected, restored.get(table))
        for table, expected in manifest["tables"].items()
        if restored.get(table) != expected
    }
    if different:
        raise BackupError(f"Restauration incomplète : nombres de lignes différents {different}.")
    return manifest
