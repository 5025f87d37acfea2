from django import forms

from qualipref.lib.forms import QualiprefForm
from qualipref.lib.months import MONTHS
from sites.models import Site

from .models import RULE_KINDS

MONTH_CHOICES = [("", "—")] + [(str(number), name.capitalize()) for number, name in enumerate(MONTHS, start=1)]


class ProgrammeRuleForm(QualiprefForm):
    """A rule of the programme; the service checks what goes with what (a month for the CLU...)."""

    kind = forms.ChoiceField(label="Nature", choices=[(kind.value, kind.label) for kind in RULE_KINDS])
    month = forms.TypedChoiceField(
        label="Mois",
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Pour le CLU, l’enquête de satisfaction (premier mois) et l’audit interne ; vide sinon.",
    )
    end_month = forms.TypedChoiceField(
        label="Jusqu’au mois (enquête)",
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Dernier mois de l’enquête de satisfaction (mai – juin : mai puis juin).",
    )
    site = forms.ModelChoiceField(
        label="Site (audit interne)",
        queryset=Site.objects.none(),
        required=False,
        empty_label="Toute la préfecture",
    )
    first_year = forms.IntegerField(
        label="Depuis l’année",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Première année du programme où la règle s’applique ; vide : toutes les années.",
    )
    note = forms.CharField(label="Précision", required=False, max_length=200)
    active = forms.BooleanField(label="Règle en vigueur", required=False, initial=True)

    def __init__(self, *args, prefecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(prefecture=prefecture).order_by("name")
