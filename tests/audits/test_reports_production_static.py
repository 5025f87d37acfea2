"""PDFs carry the Marianne font in production mode: DEBUG off, static files collected by whitenoise's manifest storage
(hashed names such as ``Marianne-Regular.0e7c3d5c1ea0.woff2`` in the ``@font-face`` URLs)."""

import shutil
import subprocess

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

from audits.services import reports as services
from tests import factories
from tests.indicators.dashboards import national_pdf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts absent (poppler-utils)"),
]

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "qualipref.lib.static_storage.KeptUrlsManifestStorage"},
}
FONTS = ("Marianne-Regular.woff2", "Marianne-Regular_Italic.woff2", "Marianne-Medium.woff2", "Marianne-Bold.woff2")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """``collectstatic`` with the production storage into a throwaway STATIC_ROOT, of the PDFs' static files only
    (the whole DSFR takes two minutes to compress): the same hashed names and manifest as in production."""
    source = tmp_path_factory.mktemp("static-source")
    root = tmp_path_factory.mktemp("static-root")
    (source / "dsfr/dist/fonts").mkdir(parents=True)
    for name in FONTS:
        shutil.copy(finders.find(f"dsfr/dist/fonts/{name}"), source / "dsfr/dist/fonts" / name)
    with override_settings(
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATIC_ROOT=root,
        STORAGES=PRODUCTION_STORAGES,
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    assert any(path.name.startswith("Marianne-Regular.") and path.name.count(".") == 2 for path in root.rglob("*"))
    return root


@pytest.fixture
def production_static(settings, collected_static):
    """DEBUG off (``{% static %}`` then writes the hashed names), the manifest storage, the collected folder; the
    finders stay the default ones, as in production (where the dsfr package is installed too)."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = PRODUCTION_STORAGES
    return collected_static


def _fonts(content, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_audit_report_embeds_marianne_with_collected_hashed_static_files(production_static, world, cycle, tmp_path):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    factories.FindingFactory(
        audit=audit, site=world.site, minor=True, response="Réponse de la préfecture.", responded_on="2015-10-20"
    )
    content = services.render_report(audit)[0]
    fonts = _fonts(content, tmp_path, "rapport.pdf")
    assert "+Marianne " in fonts and "Marianne-Bold" in fonts, fonts
    assert "DejaVu" not in fonts, fonts


def test_the_dashboard_pdf_embeds_marianne_with_collected_hashed_static_files(
    production_static, client, world, tmp_path
):
    response = national_pdf(client, world.users["national"])  # produced by the worker's task, then downloaded
    assert response["Content-Type"] == "application/pdf"
    fonts = _fonts(response.getvalue(), tmp_path, "tableau-de-bord.pdf")
    assert "+Marianne " in fonts and "Marianne-Bold" in fonts, fonts
    assert "DejaVu" not in fonts, fonts


def test_a_static_url_outside_the_collected_folder_is_still_refused(production_static):
    from qualipref.lib import pdf

    assert pdf._static_file("/static/../../../etc/passwd") is None
    assert pdf._static_file("file:///static/..%2F..%2Fetc/passwd") is None
