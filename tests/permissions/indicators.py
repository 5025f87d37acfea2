"""Indicators: the catalogue, the boards of sites, prefectures and the nation, the entry grids and imports, the
footfall, the public peak hours, and the API.

Everyone signed in reads the catalogue; a site's and a prefecture's indicators are read like the territory (auditors
see none: 404); the national board is for national administrators. Entered and imported measurements are written
by the prefecture's quality manager and the site's referent; managers, agents and national administrators read
(403 on writes). The public peak hours need no login.
"""

import datetime

from tests.indicators.factories import FootfallSlotFactory, MeasurementFactory, indicator
from tests.permissions.cases import API_ANONYMOUS, LOGIN, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302
BAD_REQUEST = 400
UNSUPPORTED = 415


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def public(default):
    return expect(default, anonymous=default)


# --- objects of the rows (created once per row, before its roles' requests) -----------------------


def _measurement(site, **kwargs):
    return MeasurementFactory(site=site, period=datetime.date(2026, 3, 1), **kwargs)


def _own(w):
    return {"pk": _measurement(w.site).pk}


def _sister(w):
    return {"pk": _measurement(w.sister_site).pk}


def _foreign(w):
    return {"pk": _measurement(w.foreign_site).pk}


def _own_computed(w):
    return {"pk": _measurement(w.site, computed=True).pk}


def _site(name):
    return lambda w: {"pk": getattr(w, name).pk}


def _prefecture(name):
    return lambda w: {"pk": getattr(w, name).pk}


def _own_detail(w):
    return {"pk": w.site.pk, "code": "lost_calls_rate"}


def _foreign_detail(w):
    return {"pk": w.foreign_site.pk, "code": "lost_calls_rate"}


def _heatmap(site_name):
    def build(w):
        FootfallSlotFactory(service=w.service)
        return {"site_pk": getattr(w, site_name).pk}

    return build


def _create(w):
    return {"indicator": "peak_hours_displayed_rate", "site": w.site.pk, "period": "2026-03", "value": "100"}


def _bulk(w):
    return {
        "measurements": [
            {"indicator": "peak_hours_displayed_rate", "site": str(w.site.pk), "period": "2026-03", "value": 100}
        ]
    }


# --- who gets what ----------------------------------------------------------------------------------

READERS = expect(200, auditor=NOT_FOUND)
SISTER_READERS = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
NATIONAL_ONLY = expect(NOT_FOUND, national=200)
SITE_WRITERS = expect(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND)
SISTER_WRITERS = expect(FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)
IMPORTERS = expect(FORBIDDEN, quality_manager=200, site_referent=200)

API_READERS = api(200, auditor=NOT_FOUND)
API_FOREIGN_READ = api(NOT_FOUND, national=200)
API_WRITERS = api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND)

HTML_CASES = [
    Case("indicators_home", expect(REDIRECT)),  # each role to the board of its scope, or the catalogue
    Case("indicator_catalogue", expect(200)),
    Case("indicators_national", expect(FORBIDDEN, national=200)),
    Case("indicators_prefecture", READERS, kwargs=_prefecture("prefecture"), label="own"),
    Case("indicators_prefecture", NATIONAL_ONLY, kwargs=_prefecture("foreign_prefecture"), label="foreign"),
    Case("indicators_prefecture", READERS, kwargs=_prefecture("prefecture"), query="?fin=2025-06", label="earlier"),
    Case(
        "measurement_grid_prefecture",
        expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_prefecture("prefecture"),
        label="own",
    ),
    Case("measurement_grid_prefecture", FOREIGN_WRITE, kwargs=_prefecture("foreign_prefecture"), label="foreign"),
    Case(
        "measurement_cell_prefecture",
        # The matrix posts JSON: no cell in it, so who may enter gets « Indicateur inconnu » (400).
        expect(FORBIDDEN, quality_manager=BAD_REQUEST, auditor=NOT_FOUND, anonymous=LOGIN),
        kwargs=_prefecture("prefecture"),
        method="post",
        label="own",
    ),
    Case(
        "measurement_cell_prefecture",
        expect(NOT_FOUND, national=FORBIDDEN, anonymous=LOGIN),
        kwargs=_prefecture("foreign_prefecture"),
        method="post",
        label="foreign",
    ),
    Case("indicators_site", READERS, kwargs=_site("site"), label="own"),
    Case("indicators_site", SISTER_READERS, kwargs=_site("sister_site"), label="sister"),
    Case("indicators_site", NATIONAL_ONLY, kwargs=_site("foreign_site"), label="foreign"),
    Case("measurement_grid_site", SITE_WRITERS, kwargs=_site("site"), label="own"),
    Case("measurement_grid_site", SISTER_WRITERS, kwargs=_site("sister_site"), label="sister"),
    Case("measurement_grid_site", FOREIGN_WRITE, kwargs=_site("foreign_site"), label="foreign"),
    Case(
        "measurement_cell_site",
        expect(FORBIDDEN, quality_manager=BAD_REQUEST, site_referent=BAD_REQUEST, auditor=NOT_FOUND),
        kwargs=_site("site"),
        method="post",
        label="own",
    ),
    Case(
        "measurement_cell_site",
        expect(NOT_FOUND, national=FORBIDDEN),
        kwargs=_site("foreign_site"),
        method="post",
        label="foreign",
    ),
    Case("measurement_cell_site", expect(405), kwargs=_site("site"), label="GET"),
    Case("indicator_site_detail", READERS, kwargs=_own_detail, label="own"),
    Case("indicator_site_detail", NATIONAL_ONLY, kwargs=_foreign_detail, label="foreign"),
    Case(
        "indicator_site_detail",
        expect(NOT_FOUND),
        kwargs=lambda w: {"pk": w.site.pk, "code": "inconnu"},
        label="unknown indicator",
    ),
    Case("footfall_heatmap", READERS, kwargs=_site("site"), label="own"),
    Case("footfall_heatmap", NATIONAL_ONLY, kwargs=_site("foreign_site"), label="foreign"),
    Case("measurement_import", IMPORTERS),
    Case("measurement_import_template", expect(200), kwargs=lambda w: {"format_key": "telephony"}),
    Case("measurement_import_template", expect(NOT_FOUND), kwargs=lambda w: {"format_key": "x"}, label="unknown"),
    Case("footfall_import", IMPORTERS),
    Case("footfall_import_template", expect(200)),
    Case("public_footfall_index", public(200)),
    Case("public_footfall_site", public(200), kwargs=_site("site")),
    Case("public_footfall_site", public(NOT_FOUND), kwargs=lambda w: {"pk": 999999}, label="unknown"),
]

API_CASES = [
    Case("api:indicator-list", api(200)),
    Case("api:indicator-list", api(200), query="?code=lost_calls_rate,pickup_rate&source=imported", label="filtered"),
    Case("api:indicator-detail", api(200), kwargs=lambda w: {"pk": indicator("lost_calls_rate").pk}),
    Case(
        "api:indicator-detail",
        api(FORBIDDEN, national=200),
        kwargs=lambda w: {"pk": indicator("lost_calls_rate").pk},
        method="patch",
        data={"target": "9.5"},
        label="set target",
    ),
    Case("api:measurement-list", api(200)),
    Case(
        "api:measurement-list",
        api(200),
        query="?indicator=lost_calls_rate&period_after=2025-01&period_before=2026-03&status=off_target",
        label="filtered",
    ),
    Case(
        "api:measurement-list",
        # For an auditor the site is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, quality_manager=201, site_referent=201, auditor=BAD_REQUEST),
        method="post",
        data=_create,
        label="create",
    ),
    Case("api:measurement-detail", API_READERS, kwargs=_own, label="own"),
    Case("api:measurement-detail", api(200, site_referent=404, agent=404, auditor=404), kwargs=_sister, label="sister"),
    Case("api:measurement-detail", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("api:measurement-detail", API_WRITERS, kwargs=_own, method="patch", data={"value": "50"}, label="edit own"),
    Case(
        "api:measurement-detail",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign,
        method="patch",
        data={"value": "50"},
        label="edit foreign",
    ),
    Case(
        "api:measurement-detail",
        # Computed measurements change only with their sources.
        api(FORBIDDEN, auditor=NOT_FOUND),
        kwargs=_own_computed,
        method="patch",
        data={"value": "50"},
        label="edit computed",
    ),
    Case(
        "api:measurement-detail",
        api(FORBIDDEN, quality_manager=204, site_referent=204, auditor=NOT_FOUND),
        kwargs=_own,
        method="delete",
        label="delete own",
    ),
    Case("api:measurement-history", API_READERS, kwargs=_own, label="own"),
    Case("api:measurement-history", API_FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case(
        "api:measurement-bulk",
        api(FORBIDDEN, quality_manager=200, site_referent=200),
        method="post",
        data=_bulk,
    ),
    Case(
        "api:measurement-import",
        # A file is sent as multipart: the matrix's JSON is refused (415) once the user may import.
        api(FORBIDDEN, quality_manager=UNSUPPORTED, site_referent=UNSUPPORTED),
        method="post",
    ),
    Case("api:measurement-aggregates", api(200)),
    Case("api:measurement-aggregates", api(FORBIDDEN, national=200), query="?level=national", label="national"),
    Case("api:footfall-heatmap", API_READERS, kwargs=_heatmap("site"), label="own"),
    Case("api:footfall-heatmap", API_FOREIGN_READ, kwargs=_heatmap("foreign_site"), label="foreign"),
    Case(
        "api:footfall-import",
        api(FORBIDDEN, quality_manager=UNSUPPORTED, site_referent=UNSUPPORTED),
        method="post",
    ),
]

CASES = HTML_CASES + API_CASES

# --- the drill-down dashboards (indicators.views.dashboards): read like the territory, as the boards ------------

DASHBOARD_CASES = [
    Case("dashboard_prefecture", READERS, kwargs=_prefecture("prefecture"), label="own"),
    Case("dashboard_prefecture", NATIONAL_ONLY, kwargs=_prefecture("foreign_prefecture"), label="foreign"),
    Case("dashboard_site", READERS, kwargs=_site("site"), label="own"),
    Case("dashboard_site", SISTER_READERS, kwargs=_site("sister_site"), label="sister"),
    Case("dashboard_site", NATIONAL_ONLY, kwargs=_site("foreign_site"), label="foreign"),
]


def _table(scope, table, fmt):
    return lambda w: ({"pk": getattr(w, scope).pk} if scope else {}) | {"table": table, "fmt": fmt}


def _dashboard_pdf(status, **whose):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from indicators.models import DashboardPdf

    item = DashboardPdf(status=status, day=timezone.localdate(), data_version="matrice", progress=40, **whose)
    if status == "done":
        item.file.save("tableau-de-bord.pdf", ContentFile(b"%PDF-1.4 tableau"), save=False)
        item.sha256, item.size, item.pages, item.generated_at, item.progress = "0" * 64, 16, 1, timezone.now(), 100
    item.save()
    return {"pdf_pk": item.pk}


def _prefecture_pdf(status, prefecture="prefecture"):
    """A PDF of a prefecture's dashboard, its quality manager's: no other reader's (their sites may differ)."""
    return lambda w: (
        {"pk": getattr(w, prefecture).pk}
        | _dashboard_pdf(
            status, scope="prefecture", prefecture=getattr(w, prefecture), reader=w.users["quality_manager"]
        )
    )


def _site_pdf(status, site="site"):
    return lambda w: {"pk": getattr(w, site).pk} | _dashboard_pdf(status, scope="site", site=getattr(w, site))


# --- their downloads (tables as CSV / XLSX, the whole as PDF): the permissions of the page they come from -------

DOWNLOAD_CASES = [
    Case("dashboard_national_export", expect(FORBIDDEN, national=200), kwargs=_table(None, "prefectures", "csv")),
    Case(
        "dashboard_national_export",
        expect(FORBIDDEN, national=200),
        kwargs=_table(None, "objectifs", "csv"),
        label="targets",
    ),
    Case(
        "dashboard_national_export",
        expect(FORBIDDEN, national=200),
        kwargs=_table(None, "indicateurs", "xlsx"),
        label="xlsx",
    ),
    # the national PDF is produced by the worker: asked for (POST: to its status page), the stored one of the data
    # as it stands downloaded (GET; none yet: back to the dashboard), its production followed, its file, « Relancer »
    Case("dashboard_national_pdf", expect(FORBIDDEN, national=REDIRECT)),
    Case("dashboard_national_pdf", expect(FORBIDDEN, national=REDIRECT), method="post", label="ask"),
    Case("dashboard_national_pdf_status", expect(FORBIDDEN, national=200), kwargs=lambda w: _dashboard_pdf("running")),
    Case("dashboard_national_pdf_file", expect(FORBIDDEN, national=200), kwargs=lambda w: _dashboard_pdf("done")),
    Case(
        "dashboard_national_pdf_retry",
        expect(FORBIDDEN, national=REDIRECT),
        kwargs=lambda w: _dashboard_pdf("failed"),
        method="post",
    ),
    Case("dashboard_prefecture_export", READERS, kwargs=_table("prefecture", "sites", "xlsx"), label="own"),
    Case(
        "dashboard_prefecture_export",
        NATIONAL_ONLY,
        kwargs=_table("foreign_prefecture", "indicateurs", "csv"),
        label="foreign",
    ),
    # a prefecture's and a site's PDF too, read like the dashboard; a prefecture's PDF is its reader's only (the
    # quality manager's here): to anyone else, a 404
    Case(
        "dashboard_prefecture_pdf", expect(REDIRECT, auditor=NOT_FOUND), kwargs=_prefecture("prefecture"), label="own"
    ),
    Case(
        "dashboard_prefecture_pdf",
        expect(REDIRECT, auditor=NOT_FOUND),
        kwargs=_prefecture("prefecture"),
        method="post",
        label="ask",
    ),
    Case(
        "dashboard_prefecture_pdf",
        expect(NOT_FOUND, national=REDIRECT),
        kwargs=_prefecture("foreign_prefecture"),
        label="foreign",
    ),
    Case(
        "dashboard_prefecture_pdf",
        expect(NOT_FOUND, national=REDIRECT),
        kwargs=_prefecture("foreign_prefecture"),
        method="post",
        label="ask foreign",
    ),
    Case("dashboard_prefecture_pdf_status", expect(NOT_FOUND, quality_manager=200), kwargs=_prefecture_pdf("running")),
    Case("dashboard_prefecture_pdf_file", expect(NOT_FOUND, quality_manager=200), kwargs=_prefecture_pdf("done")),
    Case(
        "dashboard_prefecture_pdf_retry",
        expect(NOT_FOUND, quality_manager=REDIRECT),
        kwargs=_prefecture_pdf("failed"),
        method="post",
    ),
    Case("dashboard_site_export", READERS, kwargs=_table("site", "retards", "csv"), label="own"),
    Case("dashboard_site_export", SISTER_READERS, kwargs=_table("sister_site", "indicateurs", "xlsx"), label="sister"),
    Case("dashboard_site_export", NATIONAL_ONLY, kwargs=_table("foreign_site", "indicateurs", "csv"), label="foreign"),
    Case("dashboard_site_pdf", expect(REDIRECT, auditor=NOT_FOUND), kwargs=_site("site"), label="own"),
    Case("dashboard_site_pdf", expect(REDIRECT, auditor=NOT_FOUND), kwargs=_site("site"), method="post", label="ask"),
    Case(
        "dashboard_site_pdf",
        expect(REDIRECT, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_site("sister_site"),
        label="sister",
    ),
    Case("dashboard_site_pdf", expect(NOT_FOUND, national=REDIRECT), kwargs=_site("foreign_site"), label="foreign"),
    Case(
        "dashboard_site_pdf",
        expect(NOT_FOUND, national=REDIRECT),
        kwargs=_site("foreign_site"),
        method="post",
        label="ask foreign",
    ),
    Case("dashboard_site_pdf_status", READERS, kwargs=_site_pdf("running"), label="own"),
    Case("dashboard_site_pdf_status", SISTER_READERS, kwargs=_site_pdf("running", "sister_site"), label="sister"),
    Case("dashboard_site_pdf_file", READERS, kwargs=_site_pdf("done"), label="own"),
    Case("dashboard_site_pdf_file", NATIONAL_ONLY, kwargs=_site_pdf("done", "foreign_site"), label="foreign"),
    Case(
        "dashboard_site_pdf_retry",
        expect(REDIRECT, auditor=NOT_FOUND),
        kwargs=_site_pdf("failed"),
        method="post",
        label="own",
    ),
    Case(
        "dashboard_site_pdf_retry",
        NATIONAL_ONLY | {"national": REDIRECT},
        kwargs=_site_pdf("failed", "foreign_site"),
        method="post",
        label="foreign",
    ),
]
CASES = CASES + DASHBOARD_CASES + DOWNLOAD_CASES
