"""A real gunicorn serving the application for the bench scripts (national.py, lists.py): DEBUG off, the static
files collected once in a temporary directory, on a free port of 127.0.0.1. Imports no app."""

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.client import Client

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout, what, *, errors=()):
    """Wait until ``condition()`` is true, for at most ``timeout`` seconds; ``errors`` (exception classes) raised
    by the condition count as « not yet » (a server still starting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except errors:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} : pas prêt après {timeout} s")


def answers(port):
    try:
        return Client(port).request("GET", "/healthz")[0] in (200, 503)
    except OSError:
        return False


@contextlib.contextmanager
def gunicorn(environment, *, workers, threads=1, secret_key="bench-" + "x" * 50, static_root=None):
    """The port of a gunicorn of ``workers`` × ``threads`` serving ``qualipref.wsgi`` with ``environment`` (its
    DJANGO_SETTINGS_MODULE, DATABASE_URL...) and DEBUG off, stopped on exit. The static files (2-3 minutes of
    collectstatic on 2 cores) go to a temporary directory, or to ``static_root``, kept and collected again only
    when a file of static/ is newer than its manifest."""
    port = free_port()
    kept = static_root is not None
    static_root = Path(static_root) if kept else Path(tempfile.mkdtemp(prefix="bench_static_"))
    server_env = {
        "SECRET_KEY": secret_key,
        "LOG_LEVEL": "WARNING",
        **environment,
        "STATIC_ROOT": str(static_root),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
    }
    command = [
        str(BIN / "gunicorn"),
        "qualipref.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    # DEBUG off serves the static files' manifest: collected once, in a directory removed afterwards.
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    if not kept or _stale(static_root / "staticfiles.json"):
        subprocess.run(manage, cwd=ROOT, env=server_env, check=True, stderr=subprocess.DEVNULL)
    server = subprocess.Popen(command, cwd=ROOT, env=server_env, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: answers(port), 60, "gunicorn")
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not kept:
            shutil.rmtree(static_root, ignore_errors=True)


def _stale(manifest):
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(path.stat().st_mtime > collected for path in (ROOT / "static").rglob("*") if path.is_file())
