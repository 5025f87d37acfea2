"""Forms of the territory pages. Writes go through sites.services; these only validate and display."""

from django import forms

from qualipref.lib.forms import PeriodForm, QualiprefForm, date_input
from sites.models import Site
from sites.services import SITE_EDITABLE_FIELDS


class SiteForm(QualiprefForm, forms.ModelForm):
    """The description of a site, saved by sites.services.site_update."""

    class Meta:
        model = Site
        fields = list(SITE_EDITABLE_FIELDS)
        labels = {
            "name": "Nom du site",
            "kind": "Type de site",
            "address": "Adresse",
            "postal_code": "Code postal",
            "city": "Commune",
            "opening_hours": "Horaires d’ouverture",
            "accessibility_notes": "Accessibilité",
            "is_active": "Site actif",
        }
        help_texts = {
            "opening_hours": "Jours et horaires d’accueil du public, services sur rendez-vous…",
            "accessibility_notes": "Accès de plain-pied, guichet surbaissé, boucle magnétique, stationnement…",
            "postal_code": "5 chiffres, par exemple : 13200",
        }
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }


class ClosureForm(PeriodForm):
    """Days a site is closed, saved by sites.services.closure_create."""

    start_on = forms.DateField(label="Premier jour de fermeture", widget=date_input())
    end_on = forms.DateField(
        label="Dernier jour de fermeture",
        widget=date_input(),
        required=False,
        help_text="Laisser vide pour une fermeture d’un seul jour.",
    )
    reason = forms.CharField(
        label="Motif",
        max_length=200,
        help_text="Par exemple : pont de l’Ascension, travaux, formation des agents.",
    )

    period = ("start_on", "end_on", "Le dernier jour de fermeture doit être postérieur ou égal au premier.")


class SiteFilterForm(QualiprefForm):
    """DSFR rendering of the filters on the sites' page (sites.filters.SiteFilter; the API ignores it)."""
