"""The inbox: notifications written once per user and key, an unread count the header shows without a query,
marking read, the page and the API, and the daily e-mail digest that never sends anything twice."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import notifications
from accounts.models import Notification
from accounts.tasks import send_notification_digests
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(world):
    return world.users["agent"]


def _notify(users, key="complaint:1:2026-03-20:90", **fields):
    data = {"kind": "complaint_deadline", "title": "Réclamation REC-13-2026-00001 : réponse attendue le 20/03/2026"}
    data.update(fields)
    return notifications.notify(recipients=users, key=key, url="/reclamations/1/", **data)


def test_the_same_key_is_never_notified_twice_to_the_same_user(world, agent):
    referent = world.users["site_referent"]
    _notify([agent, referent])
    _notify([agent, referent])
    notifications.mark_all_read(user=agent)
    _notify([agent], title="Autre titre")

    assert Notification.objects.filter(recipient=agent).count() == 1
    assert Notification.objects.get(recipient=agent).title.startswith("Réclamation REC")
    assert Notification.objects.filter(recipient=referent).count() == 1


def test_deliver_writes_many_notices_in_a_few_queries(world, django_assert_max_num_queries):
    users = [factories.UserFactory() for _ in range(30)]
    notices = [
        notifications.Notice(recipient_id=user.pk, key=f"item:{index}", kind="test", title=f"Alerte {index}")
        for user in users
        for index in range(5)
    ]

    # A savepoint, two inserts, the recount of the unread notifications, the release.
    with django_assert_max_num_queries(6):
        assert notifications.deliver(notices, batch_size=100) == 150

    assert Notification.objects.count() == 150


def test_the_unread_count_is_kept_on_the_user(world, agent):
    _notify([agent], key="a")
    _notify([agent], key="b")
    agent.refresh_from_db()
    assert agent.unread_notifications == 2

    first = Notification.objects.get(key="a")
    assert notifications.mark_read(user=agent, ids=[first.pk]) == 1
    assert agent.unread_notifications == 1
    # Another user's notification is not theirs to mark.
    other = factories.NotificationFactory(recipient=world.users["site_referent"])
    assert notifications.mark_read(user=agent, ids=[other.pk]) == 0
    assert notifications.mark_all_read(user=agent) == 1
    assert agent.unread_notifications == 0


def test_titles_too_long_are_cut_and_keys_too_long_refused(agent):
    _notify([agent], key="k", title="x" * 300)
    assert len(Notification.objects.get().title) == 200
    with pytest.raises(ValueError):
        _notify([agent], key="k" * 201)


# --- pages ---------------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_without_a_query(client, agent):
    client.force_login(agent)
    client.get(reverse("account"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("account"))
    _notify([agent], key="a")
    _notify([agent], key="b")

    with CaptureQueriesContext(connection) as after:
        html = client.get(reverse("account")).content.decode()

    assert len(after.captured_queries) == len(before.captured_queries)
    assert 'id="qp-unread-count">2<' in html


def test_the_inbox_lists_the_users_own_notifications_and_marks_them_read(client, world, agent):
    _notify([agent], key="a", title="Réclamation REC-13-2026-00001 en retard")
    factories.NotificationFactory(recipient=world.users["site_referent"], title="Pas pour l'agent")
    client.force_login(agent)

    html = client.get(reverse("notification_list")).content.decode()
    assert "Réclamation REC-13-2026-00001 en retard" in html
    assert "Pas pour l'agent" not in html

    notification = Notification.objects.get(recipient=agent)
    response = client.post(reverse("notification_read", kwargs={"pk": notification.pk}))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "en retard" not in client.get(reverse("notification_list")).content.decode()
    assert "en retard" in client.get(reverse("notification_list") + "?afficher=toutes").content.decode()


def test_opening_a_notification_reads_it_and_goes_to_its_page(client, agent):
    _notify([agent], key="a")
    notification = Notification.objects.get()
    client.force_login(agent)

    response = client.get(reverse("notification_open", kwargs={"pk": notification.pk}))

    assert response.url == "/reclamations/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_redirects_to_another_site(client, agent):
    notification = factories.NotificationFactory(recipient=agent, url="https://exemple.com/piege")
    client.force_login(agent)

    assert client.get(reverse("notification_open", kwargs={"pk": notification.pk})).url == reverse("notification_list")


def test_mark_all_read_from_the_page(client, agent):
    _notify([agent], key="a")
    _notify([agent], key="b")
    client.force_login(agent)

    client.post(reverse("notification_read_all"))

    assert not Notification.objects.unread().exists()


# --- API -----------------------------------------------------------------------------------------------


def test_the_api_lists_the_users_own_notifications_with_the_fields_of_api_md(as_role, world, agent):
    _notify([agent], key="a", due_on=None)
    factories.NotificationFactory(recipient=world.users["site_referent"])
    client = as_role("agent")

    (row,) = client.get(reverse("api:notification-list")).json()["results"]

    assert {"id", "kind", "message", "due_on", "read", "abilities"} <= set(row)
    assert row["message"].startswith("Réclamation REC-13-2026-00001")
    assert (row["read"], row["abilities"]["mark_read"]) == (False, True)
    read = client.post(reverse("api:notification-read", kwargs={"pk": row["id"]})).json()
    assert read["read"] is True
    assert client.get(reverse("api:notification-list") + "?read=false").json()["results"] == []


def test_the_api_marks_some_or_all_read(as_role, agent):
    for key in "abc":
        _notify([agent], key=key)
    client = as_role("agent")
    first = Notification.objects.get(key="a")

    assert client.post(reverse("api:notification-read-all"), {"ids": [first.pk]}, format="json").json() == {"marked": 1}
    assert client.post(reverse("api:notification-read-all"), {}, format="json").json() == {"marked": 2}


def test_listing_costs_the_same_for_1_or_40_notifications(as_role, agent, django_assert_num_queries):
    client = as_role("agent")
    _notify([agent], key="first")
    with django_assert_num_queries(2):
        client.get(reverse("api:notification-list"))
    for index in range(40):
        _notify([agent], key=f"k{index}")
    with django_assert_num_queries(2):
        client.get(reverse("api:notification-list"))


# --- the daily digest ----------------------------------------------------------------------------------


def test_the_digest_e_mails_each_user_their_unread_notifications_once(world, agent, settings):
    settings.SITE_URL = "https://qualipref.example.gouv.fr"
    referent = world.users["site_referent"]
    _notify([agent, referent], key="a", title="Réclamation REC-13-2026-00001 en retard")
    _notify([agent], key="b", title="Courrier CHR-7 : réponse attendue le 20/03/2026")
    _notify([referent], key="c")
    notifications.mark_read(
        user=referent, ids=Notification.objects.filter(recipient=referent, key="c").values_list("pk", flat=True)
    )

    assert send_notification_digests() == 2

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {agent.email, referent.email}
    body = by_address[agent.email].body
    assert by_address[agent.email].subject == "Qualipref : 2 nouvelles alertes"
    assert "Réclamation REC-13-2026-00001 en retard" in body and "Courrier CHR-7" in body
    assert "https://qualipref.example.gouv.fr/reclamations/1/" in body
    assert by_address[referent.email].subject == "Qualipref : 1 nouvelle alerte"
    assert not Notification.objects.filter(recipient=agent, emailed_at__isnull=True).exists()

    assert send_notification_digests() == 0  # twice: nothing sent twice
    assert len(mail.outbox) == 2


def test_users_without_address_or_inactive_get_no_digest(world, agent):
    agent.email = ""
    agent.save()
    referent = world.users["site_referent"]
    referent.is_active = False
    referent.save()
    _notify([agent, referent], key="a")

    assert send_notification_digests() == 0
    assert mail.outbox == []


def test_a_failing_mail_server_leaves_the_notifications_for_the_next_run(agent, monkeypatch):
    _notify([agent], key="a")

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP indisponible")

    monkeypatch.setattr(notifications, "send_mail", broken)
    assert send_notification_digests() == 0
    assert Notification.objects.get().emailed_at is None

    monkeypatch.undo()
    assert send_notification_digests() == 1
    assert len(mail.outbox) == 1


def test_a_worker_that_dies_after_the_claim_sends_nothing_twice(agent, monkeypatch):
    """The claim is committed before the e-mail leaves: a worker killed in between loses that e-mail (the
    notifications stay unread in the inbox), but the next run does not send it again."""
    _notify([agent], key="a")

    class WorkerLost(BaseException):  # not an Exception: like a SIGKILL, nothing catches it
        pass

    def killed(*args, **kwargs):
        raise WorkerLost

    monkeypatch.setattr(notifications, "send_mail", killed)
    with pytest.raises(WorkerLost):
        send_notification_digests()
    monkeypatch.undo()

    assert send_notification_digests() == 0
    assert mail.outbox == []
    notification = Notification.objects.get()
    assert notification.emailed_at is not None and notification.read_at is None


def test_rows_claimed_by_another_run_are_left_to_it(agent, monkeypatch):
    _notify([agent], key="a")
    _notify([agent], key="b")
    original = notifications._lock_pending

    def racing(user):
        # Between this run's read and its claim, another run claims « b » (SQLite has no row locks).
        rows = original(user)
        Notification.objects.filter(key="b").update(emailed_at="2026-03-02T07:00:00Z")
        return rows

    monkeypatch.setattr(notifications, "_lock_pending", racing)
    assert notifications.send_digest(user=agent) is False
    assert mail.outbox == []
    assert Notification.objects.get(key="a").emailed_at is None  # rolled back: the next run sends it
