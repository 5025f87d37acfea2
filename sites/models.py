from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from qualipref.lib.dates import short_date
from qualipref.lib.models import TimeStampedModel
from qualipref.lib.scoping import ScopedQuerySet

# Départements whose public holidays differ from the mainland ones, as `holidays.France` subdivisions.
ALSACE_MOSELLE = {"57": "57", "67": "6AE", "68": "6AE"}
OVERSEAS_SUBDIVISIONS = {
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}


class Department(models.Model):
    """A département or overseas territory with a prefecture (reference data, loaded by a migration)."""

    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=80)
    region = models.CharField("région", max_length=80)

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def holiday_subdivision(self):
        """The `holidays.France` subdivision of this territory, None for the mainland calendar."""
        return ALSACE_MOSELLE.get(self.code) or OVERSEAS_SUBDIVISIONS.get(self.code)


class PrefectureQuerySet(ScopedQuerySet):
    """``for_user``: the rule is accounts.access.scope_prefectures (registered by accounts.apps)."""


class Prefecture(TimeStampedModel):
    name = models.CharField("nom", max_length=120)
    department = models.OneToOneField(
        Department,
        on_delete=models.PROTECT,
        related_name="prefecture",
        verbose_name="département",
    )

    objects = PrefectureQuerySet.as_manager()

    class Meta:
        verbose_name = "préfecture"
        verbose_name_plural = "préfectures"
        ordering = ["department_id"]

    def __str__(self):
        return self.name


class SiteQuerySet(ScopedQuerySet):
    """``for_user``: the rule is accounts.access.scope_sites (registered by accounts.apps)."""

    def active(self):
        return self.filter(is_active=True)


class Site(TimeStampedModel):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", "Préfecture"
        SUBPREFECTURE = "subprefecture", "Sous-préfecture"
        ANNEX = "annex", "Site annexe"

    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name="préfecture",
    )
    name = models.CharField("nom", max_length=120)
    kind = models.CharField("type de site", max_length=20, choices=Kind.choices, default=Kind.PREFECTURE)
    address = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    opening_hours = models.TextField("horaires d'ouverture", blank=True)
    accessibility_notes = models.TextField("accessibilité", blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = SiteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "site"
        verbose_name_plural = "sites"
        ordering = ["prefecture__department_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "name"], name="site_unique_name_per_prefecture"),
        ]

    def __str__(self):
        return self.name

    @property
    def department(self):
        return self.prefecture.department


class ServiceQuerySet(ScopedQuerySet):
    """``for_user``: those of the sites the user may read (access.scope_by_site, registered by accounts.apps)."""


class Service(TimeStampedModel):
    """A reception desk (guichet) of a site: accueil général, étrangers, cartes grises et permis…"""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="services", verbose_name="site")
    name = models.CharField("nom", max_length=120)
    is_active = models.BooleanField("actif", default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="service_unique_name_per_site"),
        ]

    def __str__(self):
        return f"{self.site} – {self.name}"


class SiteClosureQuerySet(ScopedQuerySet):
    """``for_user``: those of the sites the user may read (access.scope_by_site, registered by accounts.apps)."""


class SiteClosure(TimeStampedModel):
    """Days a site is closed besides weekends and public holidays (they are not working days)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closures", verbose_name="site")
    start_on = models.DateField("premier jour de fermeture")
    end_on = models.DateField("dernier jour de fermeture")
    reason = models.CharField("motif", max_length=200)

    objects = SiteClosureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "fermeture de site"
        verbose_name_plural = "fermetures de site"
        ordering = ["site", "start_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")),
                name="site_closure_end_after_start",
            ),
        ]

    def __str__(self):
        if self.start_on == self.end_on:
            return f"{self.site} fermé le {short_date(self.start_on)} ({self.reason})"
        return f"{self.site} fermé du {short_date(self.start_on)} au {short_date(self.end_on)} ({self.reason})"
