"""The yearly quality review of a prefecture (« bilan annuel de la démarche qualité »): its figures are built from
the registers when it is read (reviews.build), the quality manager writes a narrative per section, and publishing it
stores its PDF and its workbook (``ReviewPdf``, produced by the worker) as they were on that day."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qualipref.lib.dates import short_datetime
from qualipref.lib.models import ProducedPdf, TimeStampedModel, acting_user, timestamped_history
from sites.models import Prefecture

# The sections of the review, in the order of the 2015 Bouches-du-Rhône document: (key, title). Each has its
# narrative field ``<key>_text``.
SECTIONS = (
    ("pilotage", "I – Le pilotage de la démarche"),
    ("actions", "II – Les actions réalisées"),
    ("evaluation", "III – L’évaluation"),
    ("indicators", "IV – Les indicateurs qualité"),
    ("outlook", "V – Perspectives"),
)
NARRATIVE_FIELDS = tuple(f"{key}_text" for key, _ in SECTIONS)
NARRATIVE_MAX_LENGTH = 20000
FIRST_YEAR = 2008  # the Marianne référentiel


class YearlyReviewQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_reviews(self, user)


def _narrative(label):
    return models.TextField(label, blank=True, max_length=NARRATIVE_MAX_LENGTH)


class YearlyReview(TimeStampedModel):
    """A prefecture's review, or (national administrators only) a region's or the whole country's: same sections,
    same narrative, same publication; the figures of a region or the nation add the prefectures up
    (reviews.build.national)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publié"

    class Scope(models.TextChoices):
        PREFECTURE = "prefecture", "Préfecture"
        REGION = "region", "Région"
        NATIONAL = "national", "France entière"

    scope = models.CharField("périmètre", max_length=10, choices=Scope.choices, default=Scope.PREFECTURE)
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        related_name="yearly_reviews",
        verbose_name="préfecture",
        null=True,
        blank=True,
        help_text="La préfecture d'un bilan de préfecture ; vide pour un bilan régional ou national.",
    )
    region = models.CharField(
        "région",
        max_length=80,
        blank=True,
        help_text="La région d'un bilan régional (celle des départements) ; vide sinon.",
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    pilotage_text = _narrative("I – pilotage de la démarche (texte)")
    actions_text = _narrative("II – actions réalisées (texte)")
    evaluation_text = _narrative("III – évaluation (texte)")
    indicators_text = _narrative("IV – indicateurs qualité (texte)")
    outlook_text = _narrative("V – perspectives (texte)")
    created_by = acting_user("rédigé par")
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    published_by = acting_user("publié par")

    objects = YearlyReviewQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "bilan qualité annuel"
        verbose_name_plural = "bilans qualité annuels"
        ordering = ["-year", "prefecture__department_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "year"], name="review_one_per_prefecture_and_year"),
            models.UniqueConstraint(
                fields=["region", "year"], condition=Q(scope="region"), name="review_one_per_region_and_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(scope="national"), name="review_one_national_per_year"
            ),
            models.CheckConstraint(
                condition=Q(scope="prefecture", prefecture__isnull=False, region="")
                | Q(scope="region", prefecture__isnull=True) & ~Q(region="")
                | Q(scope="national", prefecture__isnull=True, region=""),
                name="review_scope_has_its_place",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="review_published_has_its_date",
            ),
        ]

    def __str__(self):
        return f"Bilan qualité {self.year} – {self.place_name}"

    @property
    def is_national_or_regional(self):
        return self.scope != self.Scope.PREFECTURE

    @property
    def place_name(self):
        """« Préfecture des Bouches-du-Rhône », « Région Provence-Alpes-Côte d'Azur » or « France entière »."""
        if self.scope == self.Scope.PREFECTURE:
            return self.prefecture.name
        if self.scope == self.Scope.REGION:
            return f"Région {self.region}"
        return "France entière"

    @property
    def place_slug(self):
        from django.utils.text import slugify

        if self.scope == self.Scope.PREFECTURE:
            return slugify(self.prefecture.department.name)
        return slugify(self.region) if self.scope == self.Scope.REGION else "france"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self):
        return reverse("review_detail", kwargs={"pk": self.pk})

    def narratives(self):
        """[(key, title, text)] of the five sections."""
        return [(key, title, getattr(self, f"{key}_text")) for key, title in SECTIONS]


class ReviewPdf(ProducedPdf):
    """The PDF of a published review and the workbook of its tables, produced together by the worker
    (reviews.services.pdf_produce) and stored with their checksums."""

    review = models.ForeignKey(YearlyReview, on_delete=models.CASCADE, related_name="pdfs", verbose_name="bilan")
    file = models.FileField("fichier PDF", upload_to="reviews/%Y/", blank=True)
    xlsx = models.FileField("classeur des tableaux (XLSX)", upload_to="reviews/%Y/", blank=True)
    xlsx_sha256 = models.CharField("empreinte SHA-256 du classeur", max_length=64, blank=True)

    class Meta:
        verbose_name = "PDF de bilan qualité"
        verbose_name_plural = "PDF de bilans qualité"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="review_pdf_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status="done")
                | (~Q(sha256="") & ~Q(file="") & ~Q(xlsx="") & ~Q(xlsx_sha256="") & Q(generated_at__isnull=False)),
                name="review_pdf_done_has_files_and_checksums",
            ),
        ]

    def __str__(self):
        return f"PDF du {self.review} (produit le {short_datetime(self.generated_at, empty='—')})"

    @property
    def stem(self):
        return f"bilan-qualite-{self.review.year}-{self.review.place_slug}"

    @property
    def filename(self):
        return f"{self.stem}.pdf"

    # its pages (reviews.views): no query
    @property
    def status_url(self):
        return reverse("review_pdf_status", kwargs={"pk": self.review_id, "pdf_pk": self.pk})

    @property
    def file_url(self):
        return reverse("review_pdf_file", kwargs={"pk": self.review_id, "pdf_pk": self.pk})

    @property
    def xlsx_url(self):
        return reverse("review_xlsx_file", kwargs={"pk": self.review_id, "pdf_pk": self.pk})

    @property
    def retry_url(self):
        return reverse("review_pdf_retry", kwargs={"pk": self.review_id, "pdf_pk": self.pk})
