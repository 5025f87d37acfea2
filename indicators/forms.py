"""Forms of the indicator pages: imports, and the heatmap's filters. The entry grid posts its cells itself."""

from django import forms

from indicators.services.imports import FORMATS
from indicators.tabular import ACCEPT
from qualipref.lib.forms import QualiprefForm

WEEKS = [(4, "4 semaines"), (8, "8 semaines"), (13, "3 mois"), (26, "6 mois"), (52, "1 an")]


class ImportForm(QualiprefForm):
    format = forms.ChoiceField(
        label="Type d'export",
        choices=[(key, fmt.label) for key, fmt in FORMATS.items()],
        widget=forms.RadioSelect,
        initial="telephony",
    )
    file = forms.FileField(
        label="Fichier à importer",
        help_text="CSV (séparé par des points-virgules ou des virgules) ou classeur XLSX, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class FootfallImportForm(QualiprefForm):
    file = forms.FileField(
        label="Export horaire du gestionnaire de file d'attente",
        help_text="CSV ou XLSX, une ligne par service, jour et tranche horaire, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class HeatmapForm(QualiprefForm):
    service = forms.ModelChoiceField(
        label="Service d'accueil", queryset=None, required=False, empty_label="Tous les services"
    )
    weeks = forms.TypedChoiceField(label="Période", choices=WEEKS, coerce=int, initial=8, required=False)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = site.services.filter(is_active=True).order_by("name")
