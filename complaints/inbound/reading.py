"""Read the prefectures' mailboxes over IMAP (imap-tools) and hand each new message to ``intake.receive``.

A message is marked seen and its UID remembered only once it is recorded: a crash or a database error in between
reads it again next time (and the Message-ID records it once). A mailbox out of reach, a wrong password or a
missing environment variable is written on the mailbox (``last_error``, in French) and logged; the other
mailboxes are read all the same, and nothing is lost: the messages wait on the server.
"""

import datetime
import imaplib
import logging
import os
import socket
import ssl
import time

from django.utils import timezone
from imap_tools import MailBox, MailBoxUnencrypted, MailMessageFlags
from imap_tools.errors import MailboxLoginError
from imap_tools.query import AND, U

from complaints.models import Mailbox

from . import intake

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
BATCH = 200  # messages read per mailbox and run: a full mailbox is emptied over a few runs, never in one long task


class MailboxUnavailable(Exception):
    """The mailbox could not be read; the message is in French, for the admin and the logs."""


def password_of(mailbox):
    password = os.environ.get(mailbox.password_env, "")
    if not password:
        raise MailboxUnavailable(f"La variable d'environnement {mailbox.password_env} (mot de passe) est absente.")
    return password


def _connect(mailbox):
    password = password_of(mailbox)
    client_class = MailBox if mailbox.use_ssl else MailBoxUnencrypted
    try:
        client = client_class(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as error:
        raise MailboxUnavailable(
            f"Serveur IMAP {mailbox.host}:{mailbox.port} injoignable ({error.__class__.__name__} : {error})."
        ) from None
    try:
        client.login(mailbox.username, password, initial_folder=mailbox.folder)
    except MailboxLoginError:
        client.logout()
        raise MailboxUnavailable(f"Connexion refusée pour {mailbox.username} : identifiant ou mot de passe.") from None
    except imaplib.IMAP4.error as error:
        client.logout()
        raise MailboxUnavailable(f"Dossier « {mailbox.folder} » illisible ou accès refusé ({error}).") from None
    return client


def _raw(client, uid):
    """The message's bytes and its IMAP internal date, without marking it seen (BODY.PEEK)."""
    status, data = client.client.uid("FETCH", str(uid), "(BODY.PEEK[] INTERNALDATE)")
    if status != "OK":
        raise MailboxUnavailable(f"Lecture du message UID {uid} refusée par le serveur.")
    for part in data:
        if isinstance(part, tuple):
            internal = imaplib.Internaldate2tuple(part[0])  # a local time tuple
            internal_date = (
                datetime.datetime.fromtimestamp(time.mktime(internal), tz=datetime.UTC) if internal else None
            )
            return part[1], internal_date
    return None, None


def read_mailbox(mailbox):
    """Read the new messages of one mailbox; returns how many were recorded (the ones read twice not counted)."""
    recorded = 0
    with _connect(mailbox) as client:
        validity = client.folder.status(mailbox.folder, ["UIDVALIDITY"])["UIDVALIDITY"]
        if mailbox.uid_validity != validity:
            # A new folder, or one the server renumbered: read it all again; the Message-IDs keep it idempotent.
            mailbox.uid_validity, mailbox.last_uid = validity, 0
            Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=validity, last_uid=0)
        uids = sorted(int(uid) for uid in client.uids(AND(uid=U(mailbox.last_uid + 1, "*"))))
        # « N:* » always answers the last message, even below N.
        for uid in [uid for uid in uids if uid > mailbox.last_uid][:BATCH]:
            raw, internal_date = _raw(client, uid)
            if raw is not None and intake.receive(mailbox, raw, uid=uid, internal_date=internal_date) is not None:
                recorded += 1
            client.flag(str(uid), MailMessageFlags.SEEN, True)
            mailbox.last_uid = uid
            Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
    return recorded


def read_all():
    """The periodic task's body: every active mailbox, each on its own. Returns {mailbox id: count or error}."""
    results = {}
    for mailbox in Mailbox.objects.filter(is_active=True).order_by("pk"):
        try:
            results[mailbox.pk] = read_mailbox(mailbox)
        except Exception as error:  # noqa: BLE001 - one mailbox that fails must not stop the others
            message = str(error) if isinstance(error, MailboxUnavailable) else f"{error.__class__.__name__} : {error}"
            if isinstance(error, (MailboxUnavailable, OSError, socket.timeout, imaplib.IMAP4.error, ssl.SSLError)):
                logger.warning("Boîte %s (préfecture %s) non relevée : %s", mailbox.pk, mailbox.prefecture_id, message)
            else:
                logger.exception("Boîte %s (préfecture %s) : relève interrompue", mailbox.pk, mailbox.prefecture_id)
            Mailbox.objects.filter(pk=mailbox.pk).update(last_error=message[:1000], updated_at=timezone.now())
            results[mailbox.pk] = message
            continue
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_read_at=timezone.now(), last_error="", updated_at=timezone.now()
        )
    return results
