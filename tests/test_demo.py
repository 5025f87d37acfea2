import io

from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts import access
from accounts.models import Membership, User
from sites.models import Prefecture, Service, Site
from tests.checks import assert_no_new_rows


def test_the_demo_data_holds_the_two_prefectures_their_sites_and_the_accounts_of_the_api_contract(demo_data, db, rf):
    bdr = Prefecture.objects.get(department_id="13")
    assert set(bdr.sites.values_list("name", flat=True)) == {
        "Marseille – Peytral",
        "Marseille – Saint-Sébastien",
        "Sous-préfecture d'Aix-en-Provence",
        "Sous-préfecture d'Arles",
        "Sous-préfecture d'Istres",
    }
    assert Prefecture.objects.filter(department_id="94").exists()
    services = set(Service.objects.filter(site__prefecture=bdr).values_list("name", flat=True))
    assert {"Accueil général", "Accueil des étrangers", "Cartes grises et permis", "Associations"} <= services
    request = rf.post("/comptes/connexion/")
    for username in ("national", "qualite13", "referent-arles", "agent-istres", "direction13", "auditeur", "qualite94"):
        assert authenticate(request, username=username, password="demo-qualipref") is not None, username
    referent = User.objects.get(username="referent-arles")
    assert [s.name for s in Site.objects.for_user(referent)] == ["Sous-préfecture d'Arles"]
    assert access.home_dashboard(User.objects.get(username="direction13")) == "prefecture"


def test_loading_the_demo_twice_changes_nothing(demo_data, db):
    User.objects.filter(username="national").update(first_name="Changé")

    assert_no_new_rows(
        lambda: call_command("load_demo", stdout=io.StringIO()),
        Site.objects,
        Service.objects,
        User.objects,
        Membership.objects,
    )
    assert User.objects.get(username="national").first_name == "Changé"


def test_the_demo_command_prints_the_accounts(demo_data, db, capsys):
    call_command("load_demo")

    out = capsys.readouterr().out
    assert "demo-qualipref" in out
    assert "referent-arles" in out
