# ruff: noqa: F811 - fixtures imported from other test modules are parameters here
"""The national dashboard's PDF is produced by the Celery worker, not in the request
(indicators.services.dashboard_pdf): asked for on the page, its progress followed (htmx, or its status page without
JavaScript), then downloaded through the application; the same data gives the stored file back; a failure says why
in French and is relaunched; the broker away delays it, never loses it; productions left behind are swept. The
task's body runs here in the test's process; tests/test_celery_worker.py runs it in a real worker (PostgreSQL and
Redis)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import DashboardPdf
from indicators.services import dashboard_pdf
from indicators.tasks import produce_dashboard_pdf
from qualipref import outbox
from qualipref.lib import data_version
from qualipref.models import OutboxMessage
from tests.broker import published  # noqa: F401 (fixture)
from tests.checks import assert_no_more_queries
from tests.indicators.dashboards import landing
from tests.pdf_pages import needs_poppler, pages
from tests.test_outbox import broker_away  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def national(client, world):
    client.force_login(world.users["national"])
    return client


def _ask(client, **headers):
    return client.post(reverse("dashboard_national_pdf"), **headers)


def _status(client, item, **headers):
    return client.get(reverse("dashboard_national_pdf_status", kwargs={"pdf_pk": item.pk}), **headers)


@needs_poppler
def test_asking_hands_the_pdf_to_the_worker_then_the_page_offers_the_stored_file(
    national, world, today, published, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(national)
    item = DashboardPdf.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "dashboard_national_pdf_status", kwargs={"pdf_pk": item.pk}
    )
    # nothing rendered in the request: a pending row, its task handed to the broker through the outbox
    assert (item.status, item.file.name, item.requested_by) == ("pending", "", world.users["national"])
    assert published == [f"outbox-{OutboxMessage.objects.get(key=f'indicators.DashboardPdf:{item.pk}').pk}"]

    # without JavaScript: its status page, reloaded by the user (no meta refresh), in French
    page = _status(national, item).content.decode()
    assert "Production du PDF en cours : En attente d&#x27;un worker (0&nbsp;%)" in page
    assert 'aria-live="polite"' in page and ">Actualiser</a>" in page and 'http-equiv="refresh"' not in page
    # the dashboard shows the same progress, polled by htmx
    board = landing(national, world.users["national"]).content.decode()
    assert 'hx-trigger="every 2s"' in board and "Production du PDF en cours" in board
    assert reverse("dashboard_national_pdf_status", kwargs={"pdf_pk": item.pk}) in board

    assert produce_dashboard_pdf(item.pk) == "done"
    item.refresh_from_db()
    assert item.pages >= 1 and item.size > 1000 and item.progress == 100
    fragment = _status(national, item, **HTMX).content.decode()
    file_url = reverse("dashboard_national_pdf_file", kwargs={"pdf_pk": item.pk})
    assert f'href="{file_url}"' in fragment and "PDF produit" in fragment and "hx-trigger" not in fragment

    download = national.get(file_url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="tableau-de-bord-national-2026-04-15.pdf"'
    content = download.getvalue()
    assert content.startswith(b"%PDF-") and len(content) == item.size
    text = " ".join(line for page in pages(content, tmp_path) for line in page)
    assert "Tableau de bord national" in text and "Carte des labellisations" in text
    assert "Préfecture du Val" in text and "Paris et petite couronne" in text  # its table, its map
    # the file is sent by the application (permissions checked), its storage address never given out
    board = landing(national, world.users["national"]).content.decode()
    assert f'href="{file_url}"' in board and item.file.url not in board and item.file.url not in fragment


def test_the_same_data_gives_the_stored_file_back_without_a_new_production(national, world, today):
    _ask(national)
    item = DashboardPdf.objects.get()
    produce_dashboard_pdf(item.pk)

    again = _ask(national)
    assert again.status_code == 302 and again.url == reverse("dashboard_national_pdf_file", kwargs={"pdf_pk": item.pk})
    assert DashboardPdf.objects.count() == 1 and OutboxMessage.objects.count() == 1
    stored = national.get(reverse("dashboard_national_pdf"))  # the old address gives the stored file
    assert stored["Content-Type"] == "application/pdf"
    assert stored.getvalue() == DashboardPdf.objects.get().file.open("rb").read()
    htmx = _ask(national, **HTMX).content.decode()
    assert "PDF produit" in htmx and 'id="dashboard-pdf"' in htmx

    data_version.bump()  # a write: the dashboard's data changed
    board = landing(national, world.users["national"]).content.decode()
    assert "Produire le PDF" in board and "PDF produit" not in board
    assert national.get(reverse("dashboard_national_pdf")).url == reverse("dashboard") + "#pdf-du-tableau-de-bord"
    _ask(national)
    assert DashboardPdf.objects.count() == 2 and OutboxMessage.objects.count() == 2


def test_a_production_under_way_is_not_asked_for_twice(national, world, today):
    first = _ask(national, **HTMX)
    assert 'hx-trigger="every 2s"' in first.content.decode()
    data_version.bump()  # not started yet: it will read the new data
    _ask(national)
    assert DashboardPdf.objects.count() == 1 and OutboxMessage.objects.count() == 1


def test_the_worker_stores_the_version_of_the_data_it_read(national, world, today):
    _ask(national)
    item = DashboardPdf.objects.get()
    data_version.bump()  # written between the request and the production
    produce_dashboard_pdf(item.pk)
    item.refresh_from_db()
    assert item.data_version == data_version.current()
    assert dashboard_pdf.current() == item


def test_a_failed_production_says_why_in_french_and_is_relaunched(national, world, today, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("Police de caractères illisible")

    monkeypatch.setattr(dashboard_pdf, "render_national", broken)
    _ask(national)
    item = DashboardPdf.objects.get()
    assert produce_dashboard_pdf(item.pk) == "failed"
    assert produce_dashboard_pdf(item.pk) == "failed"  # a second delivery leaves it as is

    board = landing(national, world.users["national"]).content.decode()
    retry_url = reverse("dashboard_national_pdf_retry", kwargs={"pdf_pk": item.pk})
    assert "La production du PDF a échoué : Police de caractères illisible" in board
    assert f'action="{retry_url}"' in board and 'hx-target="#dashboard-pdf"' in board
    assert national.get(reverse("dashboard_national_pdf_file", kwargs={"pdf_pk": item.pk})).status_code == 404

    monkeypatch.undo()
    relaunched = national.post(retry_url)
    new = DashboardPdf.objects.latest("pk")
    assert new.pk != item.pk and new.status == "pending"
    assert relaunched.url == reverse("dashboard_national_pdf_status", kwargs={"pdf_pk": new.pk})
    assert produce_dashboard_pdf(new.pk) == "done"
    # « Relancer » what is no longer failed: its state, and a message
    again = national.post(reverse("dashboard_national_pdf_retry", kwargs={"pdf_pk": new.pk}), follow=True)
    assert "Seule une production en échec peut être relancée." in again.content.decode()
    assert DashboardPdf.objects.count() == 2


def test_with_the_broker_away_the_request_is_kept_and_the_relay_sends_it(
    broker_away, national, world, today, django_capture_on_commit_callbacks, monkeypatch, published
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(national)
    assert response.status_code == 302
    item = DashboardPdf.objects.get()
    message = OutboxMessage.objects.get(key=f"indicators.DashboardPdf:{item.pk}")
    assert message.sent_at is None and message.task == "indicators.tasks.produce_dashboard_pdf"
    assert "Production du PDF en cours" in _status(national, item).content.decode()

    monkeypatch.undo()  # the broker is back
    assert outbox.relay() == 1
    message.refresh_from_db()
    assert message.sent_at is not None and published == [f"outbox-{message.pk}"]


def test_a_production_left_behind_is_queued_again_then_failed_and_relaunched(
    national, world, today, settings, django_capture_on_commit_callbacks
):
    settings.QUALIPREF_WORK_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        _ask(national)
    item = DashboardPdf.objects.get()
    DashboardPdf.objects.filter(pk=item.pk).update(status="running", progress=40)  # then its worker died

    def age():
        DashboardPdf.objects.filter(pk=item.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=20))

    age()
    OutboxMessage.objects.update(sent_at=timezone.now())  # the first send was taken by the broker
    assert outbox.sweep_stale()["sweep_stale_pdfs"] == 1
    item.refresh_from_db()
    assert (item.status, item.progress) == ("pending", 0)
    OutboxMessage.objects.update(sent_at=timezone.now())
    age()
    assert outbox.sweep_stale()["sweep_stale_pdfs"] == 1
    item.refresh_from_db()
    assert item.status == "failed" and item.error.startswith("La production n'a pas abouti après 2 tentatives")
    page = _status(national, item).content.decode()
    assert "La production n&#x27;a pas abouti après 2 tentatives" in page and ">Relancer</button>" in page


def test_only_who_sees_the_national_dashboard_asks_for_and_downloads_its_pdf(client, world, today):
    _ask(client)  # anonymous: to the login page, nothing asked
    for role in ("quality_manager", "manager", "agent", "auditor"):
        client.force_login(world.users[role])
        assert _ask(client).status_code == 403
    assert not DashboardPdf.objects.exists()
    client.force_login(world.users["national"])
    _ask(client)
    item = DashboardPdf.objects.get()
    produce_dashboard_pdf(item.pk)
    client.force_login(world.users["quality_manager"])
    assert client.get(reverse("dashboard_national_pdf_file", kwargs={"pdf_pk": item.pk})).status_code == 403
    assert _status(client, item, **HTMX).status_code == 403


def test_the_dashboard_costs_the_same_queries_with_many_productions_stored(
    national, world, today, django_assert_max_num_queries
):
    def add_productions():
        for day in range(1, 11):
            DashboardPdf.objects.create(day=datetime.date(2026, 4, day), data_version=f"v{day}", status="failed")
        # no request here: it would empty the query log that assert_no_more_queries reads after add_data()
        dashboard_pdf.pdf_request(by=world.users["national"])

    assert_no_more_queries(django_assert_max_num_queries, lambda: national.get(reverse("dashboard")), add_productions)


def test_a_new_pdf_deletes_the_finished_ones_of_more_than_two_days_with_their_files(national, world, today):
    _ask(national)
    old = DashboardPdf.objects.get()
    produce_dashboard_pdf(old.pk)
    old.refresh_from_db()
    storage = old.file.storage
    failed = DashboardPdf.objects.create(day=today, data_version="ancienne", status="failed", error="x")
    recent = DashboardPdf.objects.create(day=today, data_version="récente", status="failed", error="x")
    DashboardPdf.objects.filter(pk__in=(old.pk, failed.pk)).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    data_version.bump()
    _ask(national)
    new = DashboardPdf.objects.latest("pk")
    assert produce_dashboard_pdf(new.pk) == "done"

    assert set(DashboardPdf.objects.values_list("pk", flat=True)) == {recent.pk, new.pk}
    assert not storage.exists(old.file.name)
    assert storage.exists(DashboardPdf.objects.get(pk=new.pk).file.name)


def test_a_stored_file_gone_from_the_storage_is_produced_again(national, world, today):
    _ask(national)
    item = DashboardPdf.objects.get()
    produce_dashboard_pdf(item.pk)
    item.refresh_from_db()
    item.file.storage.delete(item.file.name)

    assert national.get(reverse("dashboard_national_pdf")).status_code == 302
    _ask(national)
    assert DashboardPdf.objects.count() == 2 and DashboardPdf.objects.latest("pk").status == "pending"


# --- a prefecture's and a site's PDF: the same production, whose dashboard in the URL ---------------------------


def _ask_for(client, scope, pk, **headers):
    return client.post(reverse(f"dashboard_{scope}_pdf", kwargs={"pk": pk}), **headers)


def _url(item, name):
    whose = item.prefecture_id or item.site_id
    return reverse(f"dashboard_{item.scope}_pdf_{name}", kwargs={"pk": whose, "pdf_pk": item.pk})


@needs_poppler
def test_a_prefecture_pdf_is_produced_by_the_worker_for_its_reader_only(client, world, today, tmp_path):
    quality_manager = world.users["quality_manager"]
    client.force_login(quality_manager)
    board = landing(client, quality_manager).content.decode()  # its landing page shows its prefecture's dashboard
    request_url = reverse("dashboard_prefecture_pdf", kwargs={"pk": world.prefecture.pk})
    assert f'action="{request_url}"' in board and "Produire le PDF" in board and 'id="dashboard-pdf-focus"' in board
    assert client.get(request_url).url == (
        reverse("dashboard_prefecture", kwargs={"pk": world.prefecture.pk}) + "#pdf-du-tableau-de-bord"
    )

    fragment = _ask_for(client, "prefecture", world.prefecture.pk, **HTMX).content.decode()
    item = DashboardPdf.objects.get()
    assert (item.scope, item.prefecture, item.reader, item.site, item.status) == (
        "prefecture",
        world.prefecture,
        quality_manager,
        None,
        "pending",
    )
    assert f'hx-get="{_url(item, "status")}"' in fragment and 'id="dashboard-pdf-focus"' in fragment
    page = client.get(reverse("dashboard_prefecture", kwargs={"pk": world.prefecture.pk})).content.decode()
    assert "Production du PDF en cours" in page and 'hx-trigger="every 2s"' in page
    status = client.get(_url(item, "status")).content.decode()
    assert "PDF du tableau de bord – Préfecture des Bouches-du-Rhône" in status and ">Actualiser</a>" in status

    assert produce_dashboard_pdf(item.pk) == "done"
    download = client.get(_url(item, "file"))
    assert download["Content-Disposition"] == 'attachment; filename="tableau-de-bord-bouches-du-rhone-2026-04-15.pdf"'
    content = download.getvalue()
    text = " ".join(line for page in pages(content, tmp_path) for line in page)
    assert "Tableau de bord – Préfecture des Bouches-du-Rhône" in text and "Sous-préfecture d'Istres" in text
    assert client.get(request_url).getvalue() == content  # the old address: the stored file
    again = _ask_for(client, "prefecture", world.prefecture.pk)
    assert again.url == _url(item, "file") and DashboardPdf.objects.count() == 1

    # another reader of the same prefecture (its sites may differ): not this PDF, a production of their own
    client.force_login(world.users["manager"])
    for name in ("file", "status"):
        assert client.get(_url(item, name)).status_code == 404
    assert client.post(_url(item, "retry")).status_code == 404
    assert client.get(request_url).status_code == 302  # back to the dashboard: none of theirs is stored
    _ask_for(client, "prefecture", world.prefecture.pk)
    assert DashboardPdf.objects.filter(reader=world.users["manager"]).count() == 1
    # another prefecture's quality manager: not even its prefecture
    client.force_login(world.foreign_membership.user)
    assert client.get(_url(item, "file")).status_code == 404
    assert _ask_for(client, "prefecture", world.prefecture.pk).status_code == 404
    assert DashboardPdf.objects.count() == 2


def test_a_site_pdf_is_the_same_for_every_reader_of_the_site(client, world, today, tmp_path):
    agent, quality_manager = world.users["agent"], world.users["quality_manager"]
    board = landing(client, agent).content.decode()  # its landing page shows its site's dashboard
    assert f'action="{reverse("dashboard_site_pdf", kwargs={"pk": world.site.pk})}"' in board
    asked = _ask_for(client, "site", world.site.pk)
    item = DashboardPdf.objects.get()
    assert asked.url == _url(item, "status") and (item.scope, item.site, item.reader) == ("site", world.site, None)
    assert produce_dashboard_pdf(item.pk) == "done"
    assert client.get(_url(item, "file"))["Content-Disposition"] == (
        'attachment; filename="tableau-de-bord-sous-prefecture-d-arles-2026-04-15.pdf"'
    )

    client.force_login(quality_manager)  # another reader of the site: the same stored file, no new production
    assert _ask_for(client, "site", world.site.pk).url == _url(item, "file")
    assert client.get(reverse("dashboard_site_pdf", kwargs={"pk": world.site.pk}))["Content-Type"] == "application/pdf"
    assert DashboardPdf.objects.count() == 1 and OutboxMessage.objects.count() == 1
    # the sister site's agent does not see this site: 404, nothing asked
    client.force_login(world.users["site_referent"])
    assert client.get(_url(item, "file")).status_code == 200  # the referent of Arles sees it
    client.force_login(world.foreign_membership.user)
    assert client.get(_url(item, "file")).status_code == 404
    assert _ask_for(client, "site", world.site.pk).status_code == 404


def test_a_failed_site_pdf_is_relaunched_and_old_ones_of_every_scope_are_purged(client, world, today, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Police de caractères illisible")

    monkeypatch.setattr(dashboard_pdf, "render_target", broken)
    client.force_login(world.users["agent"])
    _ask_for(client, "site", world.site.pk)
    failed = DashboardPdf.objects.get()
    assert produce_dashboard_pdf(failed.pk) == "failed"
    page = client.get(reverse("dashboard_site", kwargs={"pk": world.site.pk})).content.decode()
    assert "La production du PDF a échoué : Police de caractères illisible" in page
    assert f'action="{_url(failed, "retry")}"' in page
    monkeypatch.undo()
    assert client.post(_url(failed, "retry")).url == _url(new := DashboardPdf.objects.latest("pk"), "status")

    old = DashboardPdf.objects.create(
        scope="prefecture", prefecture=world.prefecture, reader=world.users["manager"], day=today, data_version="x"
    )
    DashboardPdf.objects.filter(pk__in=(failed.pk, old.pk)).update(
        status="failed", created_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert produce_dashboard_pdf(new.pk) == "done"
    assert list(DashboardPdf.objects.values_list("pk", flat=True)) == [new.pk]


def test_a_prefecture_or_site_production_left_behind_is_queued_again(client, world, today):
    client.force_login(world.users["quality_manager"])
    _ask_for(client, "prefecture", world.prefecture.pk)
    _ask_for(client, "site", world.site.pk)
    OutboxMessage.objects.update(sent_at=timezone.now())
    DashboardPdf.objects.update(status="running", updated_at=timezone.now() - datetime.timedelta(minutes=20))
    assert outbox.sweep_stale()["sweep_stale_pdfs"] == 2
    assert set(DashboardPdf.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.parametrize("scope", ["prefecture", "site"])
def test_a_dashboard_costs_the_same_queries_with_many_productions_stored(
    client, world, today, django_assert_max_num_queries, scope
):
    user = world.users["quality_manager"]
    whose = getattr(world, scope)
    client.force_login(user)
    target = dashboard_pdf.of_prefecture(whose, user) if scope == "prefecture" else dashboard_pdf.of_site(whose)

    def add_productions():
        for day in range(1, 11):
            DashboardPdf.objects.create(
                day=datetime.date(2026, 4, day), data_version=f"v{day}", status="failed", **target.fields
            )
        dashboard_pdf.pdf_request(by=user, target=target)

    url = reverse(f"dashboard_{scope}", kwargs={"pk": whose.pk})
    assert_no_more_queries(django_assert_max_num_queries, lambda: client.get(url), add_productions)
