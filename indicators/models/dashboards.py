"""The PDF of a dashboard, produced by the Celery worker (indicators.services.dashboard_pdf) and stored: the same
data (same data version, same day) gives the stored file back without a new production."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qualipref.lib.dates import short_date, short_datetime
from qualipref.lib.models import ProducedPdf


class DashboardPdf(ProducedPdf):
    """One production of a dashboard's PDF. ``data_version`` (qualipref.lib.data_version) is the version of the
    data it shows (read by the worker when it starts) and ``day`` the day it is of. A prefecture's dashboard shows the
    sites its reader may see: its PDF is the reader's (``reader``); a site's is the same for every reader."""

    class Scope(models.TextChoices):
        NATIONAL = "national", "Tableau de bord national"
        PREFECTURE = "prefecture", "Tableau de bord d'une préfecture"
        SITE = "site", "Tableau de bord d'un site"

    scope = models.CharField("tableau de bord", max_length=20, choices=Scope.choices, default=Scope.NATIONAL)
    prefecture = models.ForeignKey(
        "sites.Prefecture", verbose_name="préfecture", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        "sites.Site", verbose_name="site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lecteur (tableau de bord d'une préfecture)",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    day = models.DateField("jour des données")
    data_version = models.CharField("version des données", max_length=64)
    file = models.FileField("fichier PDF", upload_to="indicators/dashboards/%Y/", blank=True)

    class Meta:
        verbose_name = "PDF de tableau de bord"
        verbose_name_plural = "PDF de tableaux de bord"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scope", "day", "data_version"], name="dashboard_pdf_version_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="dashboard_pdf_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(sha256="") & ~Q(file="") & Q(generated_at__isnull=False)),
                name="dashboard_pdf_done_has_file_and_checksum",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="national", prefecture__isnull=True, site__isnull=True, reader__isnull=True)
                    | Q(scope="prefecture", prefecture__isnull=False, site__isnull=True, reader__isnull=False)
                    | Q(scope="site", prefecture__isnull=True, site__isnull=False, reader__isnull=True)
                ),
                name="dashboard_pdf_scope_has_its_objects",
            ),
        ]

    def __str__(self):
        when = short_datetime(self.generated_at, empty="—")
        return f"{self.get_scope_display()} du {short_date(self.day)} (produit le {when})"

    @property
    def filename(self):
        """As the dashboard's downloads are named (indicators.dashboards.tables.file_stem): « tableau-de-bord-
        national-… », « tableau-de-bord-bouches-du-rhone-… » (its prefecture and site loaded)."""
        from indicators.dashboards.tables import slug

        whose = {
            self.Scope.PREFECTURE: lambda: slug(self.prefecture.department.name),
            self.Scope.SITE: lambda: slug(self.site.name),
        }.get(self.scope, lambda: self.scope)()
        return f"tableau-de-bord-{whose}-{self.day:%Y-%m-%d}.pdf"

    def _url(self, name, **kwargs):
        whose = {self.Scope.PREFECTURE: self.prefecture_id, self.Scope.SITE: self.site_id}.get(self.scope)
        return reverse(f"dashboard_{self.scope}_{name}", kwargs=kwargs | ({"pk": whose} if whose else {}))

    # its pages (indicators.views.dashboards): its progress, its file, « Relancer »; no query
    @property
    def status_url(self):
        return self._url("pdf_status", pdf_pk=self.pk)

    @property
    def file_url(self):
        return self._url("pdf_file", pdf_pk=self.pk)

    @property
    def retry_url(self):
        return self._url("pdf_retry", pdf_pk=self.pk)
