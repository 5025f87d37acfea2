"""Reply templates: placeholders filled from the complaint, anything else refused in French when saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints import replies, services
from complaints.models import ReplyTemplate
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_template_is_filled_with_the_complaint_placeholders(world, complaint):
    template = factories.ReplyTemplateFactory(
        prefecture=world.prefecture,
        body="{nom},\nvotre réclamation {reference} du {date_reception} sur {site} ({service}) : "
        "{categorie}, réponse avant le {date_echeance}. {{accolades}} {prefecture}",
    )

    text = services.reply_template_render(template=template, complaint=complaint)

    assert text == (
        f"Amina Benali,\nvotre réclamation {complaint.reference} du 02/03/2026 sur Sous-préfecture d'Arles "
        f"(Accueil général) : Accueil, réponse avant le {complaint.due_on:%d/%m/%Y}. {{accolades}} "
        "Préfecture des Bouches-du-Rhône"
    )


def test_an_anonymous_requester_is_greeted_as_madame_monsieur(world):
    complaint = factories.ComplaintFactory(site=world.site)

    assert replies.render("{nom},", complaint) == "Madame, Monsieur,"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Bonjour {prenom}", "Variable inconnue {prenom}"),
        ("{site.prefecture.department}", "Variable inconnue {site.prefecture.department}"),
        ("{nom[0]}", "Variable inconnue {nom[0]}"),
        ("{nom!r}", "sans « ! » ni « : »"),
        ("{nom:>100000}", "sans « ! » ni « : »"),
        ("{}", "Accolades vides"),
        ("Bonjour {nom", "Accolade mal fermée"),
        ("Bonjour }", "Accolade mal fermée"),
    ],
)
def test_a_template_with_anything_but_known_placeholders_is_refused_in_french(world, body, message):
    with pytest.raises(ValidationError) as error:
        services.reply_template_create(
            by=world.users["quality_manager"], prefecture=world.prefecture, title="T", body=body
        )

    assert message in error.value.message_dict["body"][0]
    assert not ReplyTemplate.objects.exists()


def test_the_model_checks_the_placeholders_too(world):
    template = ReplyTemplate(prefecture=world.prefecture, title="Mauvais", body="Bonjour {inconnu}")

    with pytest.raises(ValidationError) as error:
        template.full_clean()

    assert "Variable inconnue {inconnu}" in error.value.message_dict["body"][0]


def test_only_the_quality_manager_writes_the_templates_of_the_prefecture(world):
    for role in ("site_referent", "agent", "manager", "national"):
        with pytest.raises(PermissionDenied):
            services.reply_template_create(
                by=world.users[role], prefecture=world.prefecture, title="Réponse", body="{nom}"
            )
    with pytest.raises(PermissionDenied):
        services.reply_template_create(
            by=world.users["quality_manager"], prefecture=world.foreign_prefecture, title="Réponse", body="{nom}"
        )


def test_two_templates_of_a_prefecture_cannot_share_a_title(world):
    factories.ReplyTemplateFactory(prefecture=world.prefecture, title="Réponse type")

    with pytest.raises(ValidationError) as error:
        services.reply_template_create(
            by=world.users["quality_manager"], prefecture=world.prefecture, title="réponse TYPE", body="{nom}"
        )

    assert error.value.message_dict["title"] == ["Un modèle de la préfecture porte déjà cet intitulé."]


def test_a_template_of_another_prefecture_is_not_used(world):
    template = factories.ReplyTemplateFactory(prefecture=world.foreign_prefecture)
    complaint = factories.ComplaintFactory(site=world.site, received_on=datetime.date(2026, 3, 2))

    with pytest.raises(ValidationError):
        services.reply_template_render(template=template, complaint=complaint)
