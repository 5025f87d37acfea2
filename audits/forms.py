"""Forms of the audit pages. They validate the shape of what is typed; audits.services checks the rules and writes
(its French messages are put back on the fields by the views)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import access
from accounts.models import User
from audits.models import Assessment, Audit, Finding, MysteryVisit
from audits.services import audits as audit_services
from audits.services import grid as grid_services
from engagements.forms.actions import NotPastDueOnMixin, offer_plans_and_owners
from engagements.forms.labellings import ModuleChoiceField, SiteChoiceField
from engagements.models import ActionPlan, Engagement, Labelling
from qualipref.lib import uploads
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Prefecture, Site


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, labelling):
        return f"{labelling.prefecture} – {labelling.referential} ({labelling.get_status_display().lower()})"


class EngagementChoiceField(forms.ModelChoiceField):
    """Engagements grouped by module (``set_groups``)."""

    def set_groups(self, engagements, empty_label):
        groups = {}
        for engagement in engagements:
            module = engagement.module
            groups.setdefault(f"Module {module.number} – {module.title}", []).append(
                (engagement.pk, f"{engagement.code} – {engagement.title}")
            )
        self.choices = [("", empty_label), *groups.items()]


# --- audits -------------------------------------------------------------------------------------------


class CycleForm(QualiprefForm):
    """First choose the labelling cycle (its perimeter gives the sites and modules of the audit)."""

    cycle = CycleChoiceField(label="Cycle de labellisation", queryset=Labelling.objects.none(), empty_label=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = manageable_cycles(actor)


def manageable_cycles(actor):
    prefectures = access.manageable_audit_prefectures(Prefecture.objects.all(), actor)
    return (
        Labelling.objects.current()
        .filter(prefecture__in=prefectures)
        .select_related("prefecture", "referential")
        .order_by("prefecture__department_id")
    )


def _checkboxes(field_class, label, help_text):
    """An optional list of checkboxes; the form's ``__init__`` sets its choices."""
    return field_class(
        label=label, queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class AuditForm(QualiprefForm):
    """An audit's nature, body, dates, scope and auditors (creation and edit)."""

    kind = forms.ChoiceField(label="Nature de l’audit", choices=Audit.Kind.choices)
    body = forms.CharField(
        label="Organisme",
        max_length=120,
        help_text="Par exemple : AFNOR Certification, auditeur interne du ministère, préfecture (autoévaluation).",
    )
    start_on = forms.DateField(label="Premier jour d’audit", widget=date_input())
    end_on = forms.DateField(
        label="Dernier jour d’audit",
        widget=date_input(),
        help_text="Le rapport est attendu 15 jours après le dernier jour d’audit.",
    )
    sites = _checkboxes(
        SiteChoiceField, "Sites audités", "Sites du périmètre du cycle ; aucun coché : tout le périmètre."
    )
    modules = _checkboxes(
        ModuleChoiceField, "Modules audités", "Modules du périmètre du cycle ; aucun coché : tout le périmètre."
    )
    auditors = _checkboxes(
        forms.ModelMultipleChoiceField, "Auditeurs", "Personnes titulaires d’une habilitation d’auditeur."
    )
    access_from = forms.DateField(label="Accès des auditeurs à partir du", widget=date_input(), required=False)
    access_until = forms.DateField(
        label="Accès des auditeurs jusqu’au",
        widget=date_input(),
        required=False,
        help_text="Vide à la création : de 15 jours avant l’audit à 15 jours après la date attendue du rapport.",
    )
    summary = forms.CharField(label="Synthèse", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, labelling, audit=None, **kwargs):
        if audit is not None:
            many = audit_services.MANY_FIELDS
            initial = {
                name: list(getattr(audit, name).all()) if name in many else getattr(audit, name)
                for name in audit_services.FIELDS
            }
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = labelling.sites.order_by("kind", "name")
        self.fields["modules"].queryset = labelling.modules.order_by("number")
        self.fields["auditors"].queryset = audit_services.auditor_candidates()
        if audit is not None and audit.status != Audit.Status.PLANNED:
            self.fields["kind"].disabled = True

    def service_fields(self):
        data = {
            name: list(self.cleaned_data[name]) if name in audit_services.MANY_FIELDS else self.cleaned_data[name]
            for name in audit_services.FIELDS
        }
        if self.fields["kind"].disabled:
            data.pop("kind")
        return data


OPINION_CHOICES = [
    (Audit.Decision.FAVOURABLE, "Favorable au maintien du label"),
    (Audit.Decision.UNFAVOURABLE, "Défavorable au maintien du label"),
]


class TransitionForm(QualiprefForm):
    """The date of an audit's step; closing a follow-up audit asks the body's opinion too (``with_opinion``)."""

    on = forms.DateField(label="Date", widget=date_input())

    def __init__(self, *args, date_label="Date", with_opinion=False, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["on"].label = date_label[0].upper() + date_label[1:]
        if with_opinion:
            self.fields["opinion"] = forms.ChoiceField(
                label="Avis de l’organisme sur le maintien du label",
                choices=OPINION_CHOICES,
                widget=forms.RadioSelect,
                help_text="L’avis rendu à l’issue de l’audit de suivi ; il est inscrit sur la frise du cycle.",
            )
            self._bound_fields_cache.clear()  # DsfrBaseForm built them before the fields changed

    def service_fields(self):
        return {"on": self.cleaned_data["on"], "opinion": self.cleaned_data.get("opinion", "")}


class DecisionForm(QualiprefForm):
    decision = forms.ChoiceField(
        label="Décision de l’organisme", choices=Audit.Decision.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label="Date de la décision", widget=date_input())
    renewal_due = forms.DateField(
        label="Audit de renouvellement avant le",
        widget=date_input(),
        required=False,
        help_text="Décision favorable : vide, le label vaut 3 ans (l’organisme peut fixer une date plus proche).",
    )
    note = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AuditCompareForm(QualiprefForm):
    first = forms.ModelChoiceField(label="Premier audit", queryset=Audit.objects.none())
    second = forms.ModelChoiceField(label="Second audit", queryset=Audit.objects.none())

    def __init__(self, *args, audits, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = audits
            self.fields[name].label_from_instance = lambda audit: f"{audit.prefecture} – {audit.title}"


# --- findings -------------------------------------------------------------------------------------------


class FindingForm(QualiprefForm):
    category = forms.ChoiceField(label="Catégorie", choices=Finding.Category.choices)
    site = forms.ModelChoiceField(
        label="Site", queryset=Site.objects.none(), required=False, empty_label="Ensemble des sites audités"
    )
    engagement = EngagementChoiceField(label="Engagement", queryset=Engagement.objects.none(), required=False)
    text = forms.CharField(label="Constat", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, audit, finding=None, **kwargs):
        if finding is not None:
            kwargs.setdefault(
                "initial",
                {
                    "category": finding.category,
                    "site": finding.site_id,
                    "engagement": finding.engagement_id,
                    "text": finding.text,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = audit.sites.order_by("kind", "name")
        engagements = grid_services.scope_engagements(audit)
        self.fields["engagement"].queryset = engagements
        self.fields["engagement"].set_groups(engagements, "Aucun engagement en particulier")

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in ("category", "site", "engagement", "text")}


class ResponseForm(QualiprefForm):
    response = forms.CharField(
        label="Réponse argumentée de la préfecture",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Les mesures prises ou prévues, leur justification, le calendrier.",
    )
    response_due_on = forms.DateField(
        label="Échéance révisée", widget=date_input(), required=False, help_text="Le calendrier révisé, s’il change."
    )


class FindingActionForm(NotPastDueOnMixin, QualiprefForm):
    """The action made of a finding: its title, plan, site, owner and due date."""

    title = forms.CharField(label="Intitulé de l’action", max_length=250)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    plan = forms.ModelChoiceField(label="Plan d’action", queryset=ActionPlan.objects.none(), empty_label=None)
    site = forms.ModelChoiceField(
        label="Site", queryset=Site.objects.none(), required=False, empty_label="Toute la préfecture"
    )
    owner = forms.ModelChoiceField(
        label="Pilote", queryset=User.objects.none(), required=False, empty_label="— À désigner —"
    )
    due_on = forms.DateField(label="Échéance", widget=date_input(), required=False)

    def __init__(self, *args, actor, finding, **kwargs):
        super().__init__(*args, **kwargs)
        prefecture = finding.audit.prefecture
        offer_plans_and_owners(self, prefecture)
        sites = access.scope_sites_for_new_actions(Site.objects.filter(prefecture=prefecture, is_active=True), actor)
        self.fields["site"].queryset = sites.order_by("name")
        self.fields["site"].initial = finding.site_id
        if not access.can_create_action(actor, prefecture, None):
            self.fields["site"].required = True
            self.fields["site"].empty_label = None

    @property
    def has_plan(self):
        return self.fields["plan"].queryset.exists()


def _why_field(number):
    return forms.CharField(
        label=f"Pourquoi ? ({number})",
        required=False,
        max_length=1000,
        help_text="Pourquoi l’écart s’est-il produit ?" if number == 1 else "Et pourquoi la réponse précédente ?",
    )


class AnalysisForm(QualiprefForm):
    """The cause analysis of a non-conformity (families of causes, up to five « pourquoi ? » or a free analysis)
    and its immediate correction."""

    cause_categories = forms.MultipleChoiceField(
        label="Catégories de causes",
        choices=Finding.CauseCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Au moins une catégorie quand l’analyse est renseignée.",
    )
    why_1 = _why_field(1)
    why_2 = _why_field(2)
    why_3 = _why_field(3)
    why_4 = _why_field(4)
    why_5 = _why_field(5)
    cause_analysis = forms.CharField(
        label="Analyse libre",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="À la place des « pourquoi ? » ou en complément.",
    )
    correction = forms.CharField(
        label="Correction immédiate",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui a été fait tout de suite pour contenir l’écart, distinct des actions correctives.",
    )
    corrected_on = forms.DateField(label="Date de la correction", widget=date_input(), required=False)

    WHY_FIELDS = tuple(f"why_{number}" for number in range(1, Finding.WHYS_MAX + 1))

    def __init__(self, *args, finding=None, **kwargs):
        if finding is not None:
            kwargs.setdefault(
                "initial",
                {
                    "cause_categories": finding.cause_categories,
                    "cause_analysis": finding.cause_analysis,
                    "correction": finding.correction,
                    "corrected_on": finding.corrected_on,
                    **dict(zip(self.WHY_FIELDS, finding.cause_whys or [], strict=False)),
                },
            )
        super().__init__(*args, **kwargs)

    def save_with(self, service):
        """Call ``service(**fields)``; the service speaks of the « pourquoi ? » as one list: its error goes on the
        first one."""
        try:
            return service(**self.service_fields())
        except ValidationError as error:
            if hasattr(error, "error_dict") and "cause_whys" in error.error_dict:
                error.error_dict[self.WHY_FIELDS[0]] = error.error_dict.pop("cause_whys")
            raise

    def service_fields(self):
        data = self.cleaned_data
        return {
            "cause_categories": data["cause_categories"],
            "cause_whys": [data[name] for name in self.WHY_FIELDS],
            "cause_analysis": data["cause_analysis"],
            "correction": data["correction"],
            "corrected_on": data["corrected_on"],
        }


class EffectivenessForm(QualiprefForm):
    """The effectiveness check of a non-conformity's actions, at its closure: effective, it is lifted (the later
    audit that verified them); not effective, it stays open (or is reopened) and needs new actions."""

    effective = forms.TypedChoiceField(
        label="Les actions correctives sont-elles efficaces ?",
        choices=[("oui", "Oui : lever la non-conformité"), ("non", "Non : de nouvelles actions sont nécessaires")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
    )
    checked_on = forms.DateField(label="Date de la vérification", widget=date_input())
    verified_in = forms.ModelChoiceField(
        label="Audit qui a vérifié l’efficacité des actions",
        queryset=Audit.objects.none(),
        required=False,
        empty_label="— Aucun —",
        help_text="Obligatoire pour lever la non-conformité.",
    )
    evidence = forms.FileField(
        label="Document de preuve", required=False, help_text=f"Facultatif. Formats acceptés : {uploads.DOCUMENT_HELP}"
    )
    evidence_text = forms.CharField(
        label="Éléments de preuve",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui a été constaté, si aucun document n’est joint.",
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire si les actions ne sont pas efficaces.",
    )
    note = forms.CharField(label="Constat de levée", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, audits, finding, **kwargs):
        kwargs.setdefault("initial", {"checked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["verified_in"].queryset = Audit.objects.filter(pk__in=[audit.pk for audit in audits]).order_by(
            "start_on"
        )
        self.fields["verified_in"].label_from_instance = lambda audit: audit.title
        self.fields["evidence"].widget.attrs["accept"] = uploads.DOCUMENT_ACCEPT
        if finding.is_closed:  # a later check of a lifted non-conformity: not effective, it reopens
            del self.fields["verified_in"]
            del self.fields["note"]


class PublishForm(QualiprefForm):
    title = forms.CharField(label="Intitulé de la bonne pratique", max_length=200)
    text = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Le texte du point fort, à reformuler pour les autres préfectures si besoin.",
    )


# --- grid and mystery visits ----------------------------------------------------------------------------


class CellForm(forms.Form):
    """One cell posted by the grid page (autosave): what is not sent is left unchanged."""

    engagement = forms.ModelChoiceField(queryset=Engagement.objects.all())
    site = forms.ModelChoiceField(queryset=Site.objects.all())
    result = forms.ChoiceField(choices=Assessment.Result.choices, required=False)
    comment = forms.CharField(required=False, max_length=grid_services.COMMENT_MAX_LENGTH)
    evidence = forms.FileField(required=False)
    remove_evidence = forms.BooleanField(required=False)


class MysteryVisitForm(QualiprefForm):
    channel = forms.ChoiceField(label="Canal", choices=MysteryVisit.Channel.choices)
    happened_on = forms.DateField(label="Date", widget=date_input())
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    service = forms.ModelChoiceField(label="Service", queryset=None, required=False, empty_label="Accueil du site")
    scenario = forms.CharField(
        label="Scénario",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : appel au standard pour connaître les pièces d’une demande de titre de séjour.",
    )
    notes = forms.CharField(label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        from sites.models import Service

        sites = audit.sites.order_by("kind", "name")
        self.fields["site"].queryset = sites
        self.fields["service"].queryset = Service.objects.filter(site__in=sites).select_related("site")
        self.fields["service"].label_from_instance = lambda service: f"{service.site.name} – {service.name}"


class CriterionForm(forms.Form):
    label = forms.CharField(label="Critère", max_length=200, required=False)
    engagement = EngagementChoiceField(label="Engagement évalué", queryset=Engagement.objects.none(), required=False)
    score = forms.IntegerField(label="Note", min_value=0, required=False)
    max_score = forms.IntegerField(label="sur", min_value=1, initial=1, required=False)

    def __init__(self, *args, engagements=None, **kwargs):
        super().__init__(*args, **kwargs)
        if engagements is not None:
            self.fields["engagement"].queryset = engagements
            self.fields["engagement"].set_groups(engagements, "Aucun")


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, max_num=20, absolute_max=20)


def evidence_widget_attrs():
    return {"accept": uploads.DOCUMENT_ACCEPT}
