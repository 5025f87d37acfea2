"""The users' inbox: in-app notifications and their daily e-mail digest. Every write on Notification goes here.

Writing (any app):
- ``notify(*, recipients, key, kind, title, body="", url="", due_on=None)``: one event for some users;
- ``deliver(notices)``: many ``Notice`` at once (bulk insert, a few queries however many).
Both insert with ``ignore_conflicts``: a (recipient, key) pair that exists already is skipped, so offering the
same notice again is harmless. The unread counter of the recipients (``User.unread_notifications``, shown in
the header without a query) is recounted afterwards.

Reading: ``Notification.objects.for_user(user)`` (the user's own, nobody else's).
Marking: ``mark_read(*, user, ids)``, ``mark_all_read(*, user)``.
Digest: ``send_digests()`` (daily task ``accounts.tasks.send_notification_digests``).

Deadline alerts of every app are collected in one package, indicators.alerts, and sent by one daily job
(indicators.tasks.send_deadline_alerts, 06:30, before the digest at 07:00). A new source is a module there with
``collect(today) -> list of Notice`` (one Notice per recipient and event; indicators.alerts.base gives the
recipients and the notices) registered in its ``COLLECTORS``. The key names the object, what the alert depends
on, and the stage: ``"audit:7:2026-05-02:report:7d"``. Same state, same key (a second run adds nothing); a new
deadline gives new keys (and a new alert). Keys are at most 200 characters; ``kind`` is a short code of the event
(``audit_report_due``) that API clients may filter on.
Titles and bodies are e-mailed and shown to whoever receives them: never put a requester's or a sender's
personal data in them (a reference and dates are enough), and keep the url a path of the site (``/reclamations/4/``).
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
TITLE_MAX = Notification._meta.get_field("title").max_length
KEY_MAX = Notification._meta.get_field("key").max_length


@dataclass(frozen=True)
class Notice:
    """One notification to write: see the module's docstring for ``key`` and ``kind``."""

    recipient_id: int
    key: str
    kind: str
    title: str
    body: str = ""
    url: str = ""
    due_on: datetime.date | None = None


def _row(notice):
    if len(notice.key) > KEY_MAX:
        raise ValueError(f"Clé de notification trop longue ({len(notice.key)} > {KEY_MAX}) : {notice.key[:50]}…")
    title = notice.title if len(notice.title) <= TITLE_MAX else notice.title[: TITLE_MAX - 1] + "…"
    return Notification(
        recipient_id=notice.recipient_id,
        key=notice.key,
        kind=notice.kind,
        title=title,
        body=notice.body,
        url=notice.url,
        due_on=notice.due_on,
    )


def deliver(notices: Iterable[Notice], *, batch_size=BATCH_SIZE) -> int:
    """Write the notices whose (recipient, key) is new; the others are left as they are (read or not).
    Returns how many notices were offered. Idempotent."""
    offered, recipients, batch = 0, set(), []
    with transaction.atomic():
        for notice in notices:
            batch.append(_row(notice))
            recipients.add(notice.recipient_id)
            offered += 1
            if len(batch) >= batch_size:
                Notification.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        if batch:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
        refresh_unread_counts(recipients)
    return offered


def notify(*, recipients, key, kind, title, body="", url="", due_on=None) -> int:
    """Notify users (User objects or ids) of one event; see ``deliver``."""
    ids = {getattr(user, "pk", user) for user in recipients if user is not None}
    return deliver(
        Notice(recipient_id=user_id, key=key, kind=kind, title=title, body=body, url=url, due_on=due_on)
        for user_id in sorted(ids)
    )


def refresh_unread_counts(user_ids):
    """Recount ``User.unread_notifications`` of these users (one UPDATE per thousand users)."""
    user_ids = sorted(set(user_ids))
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    for start in range(0, len(user_ids), BATCH_SIZE):
        User.objects.filter(pk__in=user_ids[start : start + BATCH_SIZE]).update(
            unread_notifications=Coalesce(Subquery(unread), Value(0))
        )


def _refresh_user(user):
    refresh_unread_counts([user.pk])
    user.unread_notifications = User.objects.values_list("unread_notifications", flat=True).get(pk=user.pk)


@transaction.atomic
def mark_read(*, user, ids) -> int:
    """Mark some of the user's notifications read (others' ids are ignored). Returns how many changed."""
    changed = Notification.objects.for_user(user).unread().filter(pk__in=list(ids)).update(read_at=timezone.now())
    _refresh_user(user)
    return changed


@transaction.atomic
def mark_all_read(*, user) -> int:
    changed = Notification.objects.for_user(user).unread().update(read_at=timezone.now())
    _refresh_user(user)
    return changed


# --- the daily digest -------------------------------------------------------------------------------


def absolute_url(path):
    """The address of a page of the site in an e-mail (settings.SITE_URL + path)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _pending():
    return Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)


def send_digests(*, now=None) -> int:
    """E-mail every active user with an address their unread notifications not e-mailed yet; returns the number
    of e-mails sent. Safe to run twice or concurrently, and after a worker died mid-run:

    for each user, the notifications are claimed (``emailed_at`` set) in a transaction that commits *before* the
    e-mail leaves: rows locked by another run are skipped (PostgreSQL ``SKIP LOCKED``), and the claim only counts
    when it updated every row it read (SQLite, which has no row locks). Claimed rows are never e-mailed again, so
    nothing is sent twice. If sending fails, the claim is undone and the next run tries again; if the worker dies
    between the claim and the sending, that user's digest is lost, but the notifications are still unread in
    their inbox, which is the reference (the e-mail is a reminder).
    """
    now = now or timezone.now()
    users = (
        User.objects.filter(is_active=True, pk__in=_pending().values("recipient_id")).exclude(email="").order_by("pk")
    )
    return sum(1 for user in users.iterator(chunk_size=200) if send_digest(user=user, now=now))


def _lock_pending(user):
    """The user's pending notifications, locked (PostgreSQL; those another run holds are skipped)."""
    return list(_pending().filter(recipient=user).select_for_update(skip_locked=True).order_by("created_at", "pk"))


def _claim(user, now):
    with transaction.atomic():
        rows = _lock_pending(user)
        if not rows:
            return []
        ids = [row.pk for row in rows]
        if Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now) != len(ids):
            transaction.set_rollback(True)  # another run took some of them: it sends them
            return []
        return rows


def send_digest(*, user, now=None) -> bool:
    """E-mail one user their pending notifications (see ``send_digests``). True when an e-mail was sent.
    Call it outside a transaction: the claim must be committed before the e-mail leaves."""
    now = now or timezone.now()
    rows = _claim(user, now)
    if not rows:
        return False
    count = len(rows)
    context = {
        "user": user,
        "notifications": [{"row": row, "link": absolute_url(row.url)} for row in rows],
        "inbox_url": absolute_url(reverse("notification_list")),
    }
    subject = f"Qualipref : {count} nouvelle{'s' if count > 1 else ''} alerte{'s' if count > 1 else ''}"
    try:
        send_mail(subject, render_to_string("emails/notification_digest.txt", context), None, [user.email])
    except Exception:  # noqa: BLE001 - the claim is undone: the next run sends them
        logger.exception("Résumé des notifications non envoyé à l'utilisateur %s", user.pk)
        Notification.objects.filter(pk__in=[row.pk for row in rows], emailed_at=now).update(emailed_at=None)
        return False
    return True
