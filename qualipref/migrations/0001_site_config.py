"""The DSFR header and footer texts of Qualipref (django-dsfr reads them from its DsfrConfig model)."""

from django.db import migrations

CONFIG = {
    "site_title": "Qualipref",
    "site_tagline": "Qualité de service des préfectures et sous-préfectures",
    "header_brand": "Ministère de l'Intérieur",
    "header_brand_html": "Ministère<br>de l'Intérieur",
    "footer_brand": "Ministère de l'Intérieur",
    "footer_brand_html": "Ministère<br>de l'Intérieur",
    "footer_description": "Qualipref accompagne les préfectures dans leurs démarches de labellisation "
    "Qualipref 2.0 et Marianne : plans d'action, audits, enquêtes, réclamations et indicateurs.",
    "accessibility_status": "NOT",
}


def create(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    DsfrConfig.objects.update_or_create(language="fr", defaults=CONFIG)


def remove(apps, schema_editor):
    apps.get_model("dsfr", "DsfrConfig").objects.filter(language="fr", site_title="Qualipref").delete()


class Migration(migrations.Migration):
    dependencies = [("dsfr", "0012_dsfrconfig_notice_description_and_more")]

    operations = [migrations.RunPython(create, remove)]
