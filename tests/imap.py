"""A real IMAP server for the tests: a private Dovecot (Debian's dovecot-imapd) started on a free port of
127.0.0.1 with its own configuration, users, maildirs, sockets and log in a temporary folder, stopped after the
test: the ``imap_server`` fixture, to import into a test module. The system's Dovecot service, if any, is neither
used nor touched. Messages are put in a mailbox through IMAP APPEND (``server.append(message)``), the real protocol.

Without /usr/sbin/dovecot the tests that use it are skipped, which fails under QUALIPREF_STRICT=1 (CI installs it).
"""

import email.utils
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
USER = "prefecture13"
PASSWORD = "imap-test-password"  # noqa: S105 - the private test server's only account
START_SECONDS = 15

CONFIG = """\
protocols = imap
listen = 127.0.0.1
instance_name = qualipref-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
mail_privileged_group =
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0600
  }}
}}
"""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accounts():
    """The system users the server's processes and the mail user run as. As root (CI): Dovecot's own users, and
    ``nobody`` for the mail (Dovecot refuses to read mail as root); otherwise the current user for everything."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return "dovecot", "dovenull", nobody.pw_uid, nobody.pw_gid
    me = pwd.getpwuid(os.geteuid())
    return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


class ImapServer:
    """A running private Dovecot: its address, its one user, and APPEND of test messages."""

    def __init__(self, root, port):
        self.root, self.host, self.port = root, "127.0.0.1", port
        self.user, self.password = USER, PASSWORD
        self.process = None

    def start(self):
        internal_user, login_user, uid, gid = _accounts()
        for folder in ("run", "state", "mail"):
            (self.root / folder).mkdir()
        # The mail user (nobody, as root) writes its maildir under the test's temporary folder.
        os.chmod(self.root, 0o755)
        os.chmod(self.root / "mail", 0o777)
        (self.root / "users").write_text(f"{USER}:{PASSWORD}:{uid}:{gid}::{self.root}/mail/{USER}\n")
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(root=self.root, port=self.port, internal_user=internal_user, login_user=login_user)
        )
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own configuration file
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot s'est arrêté au démarrage : {self.process.stderr.read().decode()}")
            try:
                with imaplib.IMAP4(self.host, self.port, timeout=2) as client:
                    client.login(self.user, self.password)
                    return self
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Dovecot ne répond pas après {START_SECONDS} s : {self.log()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def append(self, message, *, folder="INBOX"):
        """Put a message (bytes, str or email.message.Message) into a folder through IMAP APPEND."""
        data = message if isinstance(message, bytes) else (message.encode() if isinstance(message, str) else None)
        if data is None:
            data = message.as_bytes()
        with imaplib.IMAP4(self.host, self.port, timeout=5) as client:
            client.login(self.user, self.password)
            if folder != "INBOX":
                client.create(folder)
            status, answer = client.append(folder, None, imaplib.Time2Internaldate(time.time()), data)
            assert status == "OK", answer

    def flags(self, *, folder="INBOX"):
        """{uid: flags} of the folder's messages, read without marking them."""
        with imaplib.IMAP4(self.host, self.port, timeout=5) as client:
            client.login(self.user, self.password)
            client.select(folder, readonly=True)
            _, data = client.uid("FETCH", "1:*", "(FLAGS)")
        found = {}
        for line in data:
            if isinstance(line, bytes) and b"UID" in line:
                parts = line.decode().replace("(", " ").replace(")", " ").split()
                found[int(parts[parts.index("UID") + 1])] = parts[parts.index("FLAGS") + 1 :]
        return found


@pytest.fixture
def imap_server():
    if not Path(DOVECOT).exists():
        pytest.skip("Dovecot absent (apt-get install dovecot-imapd) : serveur IMAP des tests")
    # Not under pytest's basetemp (mode 0700): the mail user (nobody, as root) must reach the maildir.
    root = Path(tempfile.mkdtemp(prefix="qualipref-dovecot-"))
    server = ImapServer(root, _free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def message_id(domain="exemple.fr"):
    return email.utils.make_msgid(domain=domain)
