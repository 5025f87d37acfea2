"""The layout every page shares: DSFR header, navigation by role, breadcrumbs, messages, local assets, errors."""

import html as html_module
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from accounts.context_processors import navigation
from qualipref.views import server_error
from tests.permissions.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _menu(client, user, url=None):
    client.force_login(user)
    html = client.get(url or reverse("dashboard")).content.decode()
    nav = re.search(r'<nav class="fr-nav".*?</nav>', html, re.S).group(0)
    # Top-level links and drop-down buttons, in order; a drop-down's links are listed after its label.
    return [
        html_module.unescape(re.sub(r"\s+", " ", label).strip())
        for label in re.findall(r'class="fr-nav__(?:link|btn)"[^>]*>(.*?)</(?:a|button)>', nav, re.S)
    ]


QUALITY = [
    "Démarche qualité",
    "Référentiels",
    "Programme qualité",
    "Labellisation",
    "Audits",
    "Plan d'action",
    "Réunions qualité",
    "Formations",
    "Documents qualité",
]
# The yearly reviews: for who reads a whole prefecture (national administrators, quality managers, managers).
WITH_REVIEWS = [*QUALITY, "Bilans annuels"]
USERS = ["Usagers", "Réclamations et suggestions", "Courriers", "Enquêtes"]
# The e-mails to triage: for who records the register's items (quality managers, referents, agents).
TRIAGE_USERS = ["Usagers", "Réclamations et suggestions", "Courriers", "Courriels reçus à trier", "Enquêtes"]
CRISIS = ["Crise", "Astreinte de la cellule", "Événements et exercices", "Communiqués de crise"]


@pytest.mark.parametrize(
    ("role", "menu"),
    [
        (
            "national",
            [
                "Tableau de bord national",
                "Préfectures",
                "Sites",
                WITH_REVIEWS,
                USERS,
                CRISIS,
                "Indicateurs",
                "Habilitations",
                "Administration",
            ],
        ),
        (
            "quality_manager",
            ["Tableau de bord", "Sites", WITH_REVIEWS, TRIAGE_USERS, CRISIS, "Indicateurs", "Habilitations"],
        ),
        ("site_referent", ["Tableau de bord", "Mon site", QUALITY, TRIAGE_USERS, CRISIS, "Indicateurs"]),
        ("agent", ["Tableau de bord", "Mon site", QUALITY, TRIAGE_USERS, CRISIS, "Indicateurs"]),
        ("manager", ["Tableau de bord", "Sites", WITH_REVIEWS, USERS, CRISIS, "Indicateurs"]),
        ("auditor", ["Mes audits", "Démarche qualité", "Référentiels"]),
    ],
)
def test_the_main_navigation_depends_on_the_role(client, world, role, menu):
    expected = []
    for entry in menu:
        expected += entry if isinstance(entry, list) else [entry]
    assert _menu(client, world.users[role]) == expected


def test_the_current_section_is_marked_with_aria_current(client, world):
    client.force_login(world.users["quality_manager"])
    html = client.get(reverse("site_detail", kwargs={"pk": world.site.pk})).content.decode()
    current = re.findall(r'<a class="fr-nav__link"\s+href="([^"]+)"\s+target="_self"\s+aria-current="page">', html)
    assert current == [reverse("site_list")]


def test_the_header_shows_the_service_the_user_and_their_tools(client, world):
    user = world.users["agent"]
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'class="fr-header__service-title">Qualipref<' in html
    assert user.get_full_name() in html
    assert f'href="{reverse("account")}"' in html and "Mon compte" in html


def test_pages_have_skip_links_and_landmarks(client, world):
    client.force_login(world.users["quality_manager"])
    html = client.get(reverse("site_list")).content.decode()
    for landmark in (
        'href="#content"',
        'href="#footer"',
        'role="banner"',
        'id="content" role="main"',
        'role="contentinfo"',
    ):
        assert landmark in html


def test_breadcrumbs_lead_from_home_to_the_current_page(client, world):
    client.force_login(world.users["quality_manager"])
    html = client.get(reverse("site_detail", kwargs={"pk": world.site.pk})).content.decode()
    crumbs = re.search(r'<nav role="navigation"\s+class="fr-breadcrumb".*?</nav>', html, re.S).group(0)
    assert reverse("prefecture_detail", kwargs={"pk": world.prefecture.pk}) in crumbs
    assert 'aria-current="page">Sous-préfecture d&#x27;Arles<' in crumbs


def test_pages_load_no_asset_from_another_site(client, world):
    client.force_login(world.users["national"])
    html = client.get(reverse("dashboard")).content.decode()
    assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/") for url in assets), assets
    assert "https://" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_messages_are_shown_as_escaped_dsfr_alerts(client, world):
    world.site.name = "<script>alert(1)</script>"
    world.site.save()
    client.force_login(world.users["quality_manager"])
    response = client.post(
        reverse("closure_create", kwargs={"site_pk": world.site.pk}),
        {"start_on": "2030-01-02", "reason": "Travaux"},
        follow=True,
    )
    html = response.content.decode()
    assert 'class="fr-alert fr-alert--sm fr-alert--success' in html
    assert "<script>alert(1)</script>" not in html


def test_an_unknown_address_shows_the_dsfr_404_page(client, world):
    client.force_login(world.users["agent"])
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_a_refused_page_shows_the_dsfr_403_page(client, world):
    client.force_login(world.users["agent"])
    response = client.get(reverse("membership_list"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_the_500_page_renders_without_the_database(world):
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert response.status_code == 500
    assert len(queries) == 0
    html = response.content.decode()
    assert "Erreur inattendue" in html and "/static/dsfr/dist/dsfr/dsfr.min.css" in html


def test_the_menu_links_follow_the_script_prefix_of_each_request(world):
    """The menu's URLs are kept for the process (accounts.context_processors.reverse), by script prefix: an
    application served under a sub-path links there, and a request at the root links to the root."""
    request = RequestFactory().get("/")
    request.user = world.users["quality_manager"]

    def links():
        menu = navigation(request)["qp_menu"]
        return [link["url"] for item in menu for link in item.get("children", [item])]

    at_root = links()
    set_script_prefix("/qualipref/")
    try:
        under = links()
    finally:
        set_script_prefix("/")
    assert reverse("action_list") in at_root
    assert under == ["/qualipref" + url for url in at_root]
    assert links() == at_root
