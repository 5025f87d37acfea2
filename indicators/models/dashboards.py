"""The PDF of a dashboard, produced by the Celery worker (indicators.services.dashboard_pdf) and stored: the same
data (same data version, same day) gives the stored file back without a new production."""

from django.db import models
from django.db.models import Q

from qualipref.lib.dates import short_date, short_datetime
from qualipref.lib.models import ProducedPdf


class DashboardPdf(ProducedPdf):
    """One production of a dashboard's PDF. ``data_version`` (qualipref.lib.data_version) is the version of the
    data it shows (read by the worker when it starts) and ``day`` the day it is of."""

    class Scope(models.TextChoices):
        NATIONAL = "national", "Tableau de bord national"

    scope = models.CharField("tableau de bord", max_length=20, choices=Scope.choices, default=Scope.NATIONAL)
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
        ]

    def __str__(self):
        when = short_datetime(self.generated_at, empty="—")
        return f"{self.get_scope_display()} du {short_date(self.day)} (produit le {when})"

    @property
    def filename(self):
        return f"tableau-de-bord-{self.scope}-{self.day:%Y-%m-%d}.pdf"
