"""Forms of the labelling pages: start a cycle, record a step, change of référentiel, overview filters.

They validate input and display it; every rule (dates, perimeter, evidence) is checked by
engagements.services.labellings, whose field errors come back on these fields.
"""

import django_filters
from django import forms
from django.utils import timezone

from engagements.filters.labellings import PrefectureLabelFilter
from engagements.models import Labelling, LabellingStep, Module, Referential
from engagements.services import labellings as services
from qualipref.lib.dates import short_date
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Site

Kind = LabellingStep.Kind


def _evidence_field():
    return forms.FileField(
        label="Justificatif",
        required=False,
        help_text=services.EVIDENCE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": services.EVIDENCE_ACCEPT}),
    )


def _note_field(help_text=""):
    return forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class ModuleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, module):
        return f"Module {module.number} – {module.title}"


class SiteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, site):
        return f"{site.name} ({site.get_kind_display().lower()})"


class ReferentialChoiceForm(QualiprefForm):
    """First choose the référentiel version: the perimeter form then lists its optional modules."""

    referential = forms.ModelChoiceField(
        label="Référentiel",
        queryset=Referential.objects.order_by("name", "-published_on"),
        empty_label=None,
    )

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exclude is not None:
            self.fields["referential"].queryset = self.fields["referential"].queryset.exclude(pk=exclude.pk)


class PerimeterForm(QualiprefForm):
    """A cycle's référentiel, perimeter and start, for ``labelling_start`` and ``labelling_migrate``."""

    referential = forms.ModelChoiceField(queryset=Referential.objects.all(), widget=forms.HiddenInput)
    modules = ModuleChoiceField(
        label="Modules optionnels",
        queryset=Module.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = SiteChoiceField(
        label="Sites du périmètre",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Préfecture et sous-préfectures engagées dans la démarche.",
    )
    started_on = forms.DateField(label="Début de la préparation", widget=date_input())
    indicators_since = forms.DateField(
        label="Suivi des indicateurs depuis le",
        widget=date_input(),
        required=False,
        help_text="Laisser vide s'il commence avec la préparation. Il faut au moins 3 mois de suivi avant "
        "l'évaluation interne.",
    )
    note = _note_field()
    evidence = _evidence_field()

    def __init__(self, *args, prefecture, referential, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referential"].initial = referential.pk
        self.chosen_referential = referential
        self.mandatory_modules = list(referential.modules.filter(mandatory=True).order_by("number"))
        self.fields["modules"].queryset = referential.modules.filter(mandatory=False).order_by("number")
        if self.mandatory_modules:
            names = ", ".join(f"module {module.number} – {module.title}" for module in self.mandatory_modules)
            self.fields["modules"].help_text = f"Toujours inclus, car obligatoires : {names}."
        self.fields["sites"].queryset = prefecture.sites.order_by("kind", "name")
        self.fields["started_on"].initial = timezone.localdate()
        self._bound_fields_cache.clear()  # DsfrBaseForm built them before the fields changed


class LabellingStartForm(PerimeterForm):
    def __init__(self, *args, prefecture, **kwargs):
        super().__init__(*args, prefecture=prefecture, **kwargs)
        if not self.is_bound:
            self.initial["sites"] = [site.pk for site in prefecture.sites.all() if site.is_active]


class LabellingMigrateForm(PerimeterForm):
    def __init__(self, *args, labelling, **kwargs):
        super().__init__(*args, prefecture=labelling.prefecture, **kwargs)
        self.fields["started_on"].label = "Début du nouveau cycle (clôture du cycle actuel)"
        if not self.is_bound:
            self.initial["sites"] = [site.pk for site in labelling.sites.all()]


class LabellingStepForm(QualiprefForm):
    """A step of a running cycle: its date, a note, evidence, and the fields of that step."""

    happened_on = forms.DateField(label="Date", widget=date_input())
    note = _note_field()
    evidence = _evidence_field()

    def __init__(self, *args, labelling, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["happened_on"].initial = timezone.localdate()
        getattr(self, f"_setup_{step}", lambda labelling: None)(labelling)
        self._bound_fields_cache.clear()  # DsfrBaseForm built them before the fields changed

    def _date(self, label, help_text=""):
        self.fields["happened_on"].label = label
        self.fields["happened_on"].help_text = help_text

    def _setup_internal_evaluation(self, labelling):
        since = labelling.indicators_since or labelling.started_on
        self._date(
            "Date de l'évaluation interne",
            "Qualipref : audit interne (auditeur du ministère ou société d'audit) ; Label Marianne : autoévaluation. "
            f"Au plus tôt le {short_date(services.add_months(since, services.INDICATOR_TRACKING_MONTHS))} "
            "(3 mois de suivi des indicateurs).",
        )
        self.fields["indicators_since"] = forms.DateField(
            label="Suivi des indicateurs depuis le", widget=date_input(), required=False, initial=since
        )
        self.fields["note"].help_text = "Par exemple : 17 non-conformités relevées sur les 4 sites."

    def _setup_plan_revision(self, labelling):
        self._date("Date de la révision du plan d'action", "Actions correctrices après l'évaluation interne.")

    def _setup_labelling_audit(self, labelling):
        internal = labelling.internal_evaluation_on
        self._date(
            "Date de l'audit de labellisation",
            "1 à 3 mois après l'évaluation interne : entre le "
            f"{short_date(services.add_months(internal, services.INTERNAL_EVALUATION_MIN_MONTHS))} et le "
            f"{short_date(services.add_months(internal, services.INTERNAL_EVALUATION_MAX_MONTHS))}.",
        )
        self.fields["note"].help_text = "Par exemple : 20 points forts, 6 pistes de progrès, 3 points sensibles."

    def _setup_decision(self, labelling):
        self._date("Date de la décision")
        self.fields["decision"] = forms.ChoiceField(
            label="Décision de l'organisme", choices=Labelling.Decision.choices, widget=forms.RadioSelect
        )
        self.fields["decision_body"] = forms.CharField(
            label="Organisme certificateur", max_length=120, initial=labelling.decision_body or "AFNOR Certification"
        )
        self.fields["renewal_due"] = forms.DateField(
            label="Audit de renouvellement avant le",
            widget=date_input(),
            required=False,
            help_text="Décision favorable : par défaut 3 ans après l'attribution du label ; indiquez la date fixée "
            "par l'organisme si elle est plus proche.",
        )

    def _setup_follow_up_audit(self, labelling):
        self._date(
            "Date de l'audit de suivi",
            f"Audit de suivi attendu avant le {short_date(labelling.next_audit_due, empty='—')}. Un audit de suivi "
            "géré dans Qualipref s'inscrit ici de lui-même à sa clôture : ne le saisissez pas une seconde fois.",
        )

    def _setup_renewal_audit(self, labelling):
        self._date(
            "Date de l'audit de renouvellement",
            f"Audit de renouvellement attendu avant le {short_date(labelling.renewal_due, empty='—')}.",
        )

    def _setup_end(self, labelling):
        self._date("Date de clôture", "Le cycle clos reste dans l'historique de la préfecture.")


class LabellingOverviewFilterForm(QualiprefForm):
    pass


class LabellingOverviewFilter(PrefectureLabelFilter):
    """The national overview's filters, with French choices for the HTML page."""

    late = django_filters.ChoiceFilter(
        label="Audits de suivi",
        choices=[("true", "En retard"), ("false", "À jour")],
        empty_label="Tous",
        method="filter_late_choice",
    )

    class Meta(PrefectureLabelFilter.Meta):
        form = LabellingOverviewFilterForm

    def filter_late_choice(self, queryset, name, value):
        return self.filter_late(queryset, name, value == "true")
