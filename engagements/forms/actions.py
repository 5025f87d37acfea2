"""Forms of the action plan pages. They validate the shape of what is typed; engagements.services.actions
checks the rules and writes (its French messages are put back on the fields by the views)."""

import datetime

from django import forms
from django.utils import timezone

from accounts import access
from accounts.models import Membership, User
from engagements.models import Action, ActionPlan, Engagement, Labelling, Referential
from engagements.services import actions as services
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Prefecture, Site


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.prefecture.department_id})"


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A select whose options are grouped (engagements by module); ``groups`` is [(label, [obj...])]."""

    def __init__(self, *args, label_of=str, **kwargs):
        self.label_of = label_of
        super().__init__(*args, **kwargs)

    def set_groups(self, groups):
        self.choices = [("", self.empty_label or "---------")] + [
            (label, [(obj.pk, self.label_of(obj)) for obj in objs]) for label, objs in groups
        ]


def _code_title(obj):
    return f"{obj.code} – {obj.title}"


def _referentials_of(plans):
    """The référentiels of these plans' cycles; all of them when a plan has no cycle yet."""
    plans = list(plans)
    if plans and all(plan.labelling_id for plan in plans):
        return Referential.objects.filter(pk__in={plan.labelling.referential_id for plan in plans})
    return Referential.objects.all()


def owner_choices(actor, plans, sites):
    """The people who may own an action the actor creates or edits on these plans and sites (one query for
    the memberships, one for the users); the service checks the exact site of each action."""
    prefectures = {plan.prefecture_id: plan.prefecture for plan in plans}
    rows = services.owner_rows(prefectures)
    owners = set()
    for prefecture_id, prefecture in prefectures.items():
        places = [site.pk for site in sites if site.prefecture_id == prefecture_id]
        if access.can_create_action(actor, prefecture, None):
            places.append(None)
        for site_id in places:
            owners.update(
                user.pk for user in services.eligible_owners(rows, prefecture_id=prefecture_id, site_id=site_id)
            )
    return User.objects.filter(pk__in=owners).order_by("last_name", "first_name", "username")


def _engagement_groups(referentials):
    engagements = (
        Engagement.objects.filter(referential__in=referentials)
        .select_related("module", "referential")
        .order_by("referential__code", "-referential__published_on", "module__number", "number")
    )
    groups = {}
    for engagement in engagements:
        module = engagement.module
        groups.setdefault(f"{module.code} – {module.title}", []).append(engagement)
    return list(groups.items())


# --- an action made of something else (a finding, a decision, a complaint, a survey) -----------------------


class NotPastDueOnMixin:
    """A new action's ``due_on`` field: never before today, the day the action is created."""

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on is not None and due_on < timezone.localdate():
            raise forms.ValidationError("L’échéance ne peut pas précéder la date de création de l’action.")
        return due_on


def offer_plans_and_owners(form, prefecture):
    """The ``plan`` field offers the prefecture's action plans (its current plan chosen), the ``owner`` field
    the people who may own its actions."""
    form.fields["plan"].queryset = ActionPlan.objects.filter(prefecture=prefecture).order_by("-created_at")
    default = services.current_plan(prefecture)
    if default is not None:
        form.fields["plan"].initial = default.pk
    owners = access.action_owner_memberships(Membership.objects.active(), [prefecture.pk])
    form.fields["owner"].queryset = User.objects.filter(is_active=True, pk__in=owners.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


class NewActionForm(NotPastDueOnMixin, QualiprefForm):
    """The action of the action plan made of a complaint or of a survey's dimension below target: its title,
    description and due date."""

    title = forms.CharField(label="Intitulé de l’action", max_length=250)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_on = forms.DateField(label="Échéance", widget=date_input(), required=False)


# --- the action plan pages ------------------------------------------------------------------------


class ActionFieldsForm(QualiprefForm):
    """What describes an action (creation and edit pages)."""

    title = forms.CharField(label="Intitulé", max_length=250)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        required=False,
        empty_label="Toute la préfecture",
        help_text="Laisser « Toute la préfecture » pour une action commune à tous les sites.",
    )
    engagement = GroupedModelChoiceField(
        label="Engagement du référentiel",
        queryset=Engagement.objects.none(),
        required=False,
        empty_label="— Aucun —",
        label_of=_code_title,
        help_text="Le module de l’engagement est rattaché automatiquement.",
    )
    source = forms.ChoiceField(label="Origine", choices=Action.Source.choices, initial=Action.Source.OTHER)
    owner = forms.ModelChoiceField(label="Pilote", queryset=None, required=False, empty_label="— À désigner —")
    due_on = forms.DateField(label="Échéance", widget=date_input(), required=False)
    priority = forms.ChoiceField(label="Priorité", choices=Action.Priority.choices, initial=Action.Priority.NORMAL)

    def setup(self, *, actor, plans, sites):
        self.actor = actor
        self.fields["site"].queryset = sites.select_related("prefecture").order_by("prefecture__department_id", "name")
        referentials = _referentials_of(plans)
        engagement_field = self.fields["engagement"]
        engagement_field.queryset = Engagement.objects.filter(referential__in=referentials)
        engagement_field.set_groups(_engagement_groups(referentials))
        self.fields["owner"].queryset = owner_choices(actor, plans, list(self.fields["site"].queryset))

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("plan", None)
        engagement = data.get("engagement")
        data["module"] = engagement.module if engagement else None
        return data


class ActionCreateForm(ActionFieldsForm):
    plan = PlanChoiceField(label="Plan d’action", queryset=ActionPlan.objects.none(), empty_label=None)

    field_order = ["plan", "title", "description", "site", "engagement", "source", "owner", "due_on", "priority"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        plans = (
            access.scope_plans_for_new_actions(ActionPlan.objects.all(), actor)
            .select_related("prefecture", "labelling")
            .order_by("prefecture__department_id", "-created_at")
        )
        self.fields["plan"].queryset = plans
        plans = list(plans)
        if plans:
            self.fields["plan"].initial = plans[0].pk
        sites = access.scope_sites_for_new_actions(Site.objects.filter(is_active=True), actor)
        self.setup(actor=actor, plans=plans, sites=sites)
        self.has_plans = bool(plans)


class ActionEditForm(ActionFieldsForm):
    """The « Modifier » page. As in the list's inline edit, an empty due date removes a recorded one only with
    « Sans échéance » ticked: a partial or malformed date makes the browser post an empty value."""

    due_on_clear = forms.BooleanField(label="Sans échéance", required=False, help_text="Retire l’échéance enregistrée.")

    field_order = [
        "title",
        "description",
        "site",
        "engagement",
        "source",
        "owner",
        "due_on",
        "due_on_clear",
        "priority",
    ]

    def __init__(self, *args, actor, action, **kwargs):
        initial = {
            "title": action.title,
            "description": action.description,
            "site": action.site_id,
            "engagement": action.engagement_id,
            "source": action.source,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "priority": action.priority,
        }
        super().__init__(*args, initial=initial, **kwargs)
        sites = Site.objects.filter(prefecture_id=action.prefecture_id)
        if not access.can_manage_action_plans(actor, action.prefecture):
            sites = access.scope_sites_for_new_actions(sites, actor)
        if action.site_id:
            sites = sites | Site.objects.filter(pk=action.site_id)
        self.setup(actor=actor, plans=[action.plan], sites=sites)
        if action.owner_id:
            # The current owner stays choosable even if they have left the site since.
            self.fields["owner"].queryset = self.fields["owner"].queryset | User.objects.filter(pk=action.owner_id)
        if action.source_type_id:
            self.fields["source"].disabled = True
            self.fields["source"].help_text = "Fixée par l’objet dont l’action est issue."
        self.recorded_due_on = action.due_on
        self.fields["due_on"].error_messages["invalid"] = DUE_ON_INCOMPLETE
        if action.due_on is None:
            del self.fields["due_on_clear"]  # nothing to remove
            self._bound_fields_cache.clear()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_on_clear"):
            cleaned["due_on"] = None
        elif "due_on" in cleaned and cleaned["due_on"] is None and self.recorded_due_on is not None:
            self.add_error("due_on", DUE_ON_EMPTY)
        return cleaned

    def service_fields(self):
        data = super().service_fields()
        data.pop("due_on_clear", None)
        return data


class ActionStatusForm(QualiprefForm):
    """A status change with its inputs: the reason of an abandon, the date of completion, the effectiveness."""

    status = forms.ChoiceField(label="Nouveau statut", choices=())
    completed_on = forms.DateField(
        label="Réalisée le", widget=date_input(), required=False, help_text="Aujourd’hui si laissé vide."
    )
    abandon_reason = forms.CharField(
        label="Motif d’abandon", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    effectiveness = forms.TypedChoiceField(
        label="Efficacité constatée",
        choices=[("", "— À renseigner pour « vérifiée efficace » —"), *Action.Effectiveness.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, actor, action, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.allowed_statuses(actor, action)
        self.fields["status"].choices = [(status.value, status.label) for status in allowed]
        if Action.Status.DONE not in allowed:
            del self.fields["completed_on"]
        if Action.Status.ABANDONED not in allowed:
            del self.fields["abandon_reason"]
        if Action.Status.VERIFIED not in allowed:
            del self.fields["effectiveness"]

    def service_fields(self):
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "") or key == "status"}


class CommentForm(QualiprefForm):
    text = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=services.COMMENT_MAX_LENGTH
    )


class EvidenceForm(QualiprefForm):
    file = forms.FileField(
        label="Justificatif",
        help_text="PDF, PNG, JPEG, ODT, DOCX ou XLSX ; 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": services.EVIDENCE_ACCEPT}),
    )


class BulkStatusForm(QualiprefForm):
    status = forms.ChoiceField(
        label="Nouveau statut", choices=[("", "— Choisir —"), *Action.Status.choices], required=True
    )
    abandon_reason = forms.CharField(label="Motif (pour un abandon)", required=False, max_length=2000)
    effectiveness = forms.TypedChoiceField(
        label="Efficacité (pour « vérifiée efficace »)",
        choices=[("", "—"), *Action.Effectiveness.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ActionPlanForm(QualiprefForm):
    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)
    title = forms.CharField(label="Intitulé", max_length=200, help_text="Par exemple : Plan d’action qualité 2016.")
    labelling = forms.ModelChoiceField(
        label="Cycle de labellisation",
        queryset=Labelling.objects.none(),
        required=False,
        empty_label="— Aucun —",
        help_text="Les engagements des actions seront pris dans le référentiel de ce cycle.",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        managed = [p.pk for p in Prefecture.objects.for_user(actor) if access.can_manage_action_plans(actor, p)]
        prefectures = Prefecture.objects.filter(pk__in=managed).select_related("department")
        self.fields["prefecture"].queryset = prefectures
        self.fields["labelling"].queryset = Labelling.objects.filter(prefecture__in=prefectures).select_related(
            "referential", "prefecture"
        )


class CopyOpenActionsForm(QualiprefForm):
    from_plan = PlanChoiceField(label="Reprendre les actions ouvertes du plan", queryset=ActionPlan.objects.none())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_plan"].queryset = (
            ActionPlan.objects.filter(prefecture_id=plan.prefecture_id)
            .exclude(pk=plan.pk)
            .select_related("prefecture")
            .order_by("-created_at")
        )


# --- the inline edit of a row of the action list ----------------------------------------------------

INLINE_FIELDS = ("owner", "due_on", "status", "progress")
DATE_CLEAR_FLAG = "due_on_clear"
DUE_ON_INCOMPLETE = (
    "Date incomplète ou invalide : saisissez le jour, le mois et l’année (JJ/MM/AAAA). "
    "L’échéance enregistrée est conservée."
)
DUE_ON_EMPTY = (
    "L’échéance est vide : saisissez une date (JJ/MM/AAAA) ou cochez « Sans échéance » pour la retirer. "
    "L’échéance enregistrée est conservée."
)


def _parse_due_on(action, data):
    """A due date is cleared only on an explicit request (« Sans échéance », ``due_on_clear``): a date input
    whose value is partial or malformed posts an empty value, which must never pass for « no due date »."""
    raw = (data.get("due_on") or "").strip()
    if data.get(DATE_CLEAR_FLAG):
        return {"due_on": None}, {}
    if not raw:
        if action.due_on is None:
            return {}, {}
        return {}, {"due_on": DUE_ON_EMPTY}
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return {"due_on": datetime.datetime.strptime(raw, pattern).date()}, {}
        except ValueError:
            continue
    return {}, {"due_on": DUE_ON_INCOMPLETE}


def inline_changes(*, action, data, names):
    """The changes the inline controls ``names`` of a row ask for (only what differs from the action), and the
    French errors of what was typed, by field. The rules themselves are the service's (action_update)."""
    changes, errors = {}, {}
    if "status" in names and "status" in data:
        raw = (data.get("status") or "").strip()
        if raw and raw != action.status:
            changes["status"] = raw
            if raw == Action.Status.ABANDONED:
                changes["abandon_reason"] = data.get("abandon_reason", "")
            if raw == Action.Status.VERIFIED:
                changes["effectiveness"] = data.get("effectiveness") or None
    if "progress" in names and "progress" in data:
        raw = (data.get("progress") or "").strip().rstrip("%").strip()
        try:
            progress = int(raw)
        except ValueError:
            errors["progress"] = "L’avancement est un pourcentage entier compris entre 0 et 100."
        else:
            # A row saved with a new status carries the old progress: only a progress the user changed counts.
            if progress != action.progress or "status" not in changes:
                changes["progress"] = progress
    if "owner" in names and "owner" in data:
        raw = (data.get("owner") or "").strip()
        if not raw:
            owner = None
        else:
            owner = User.objects.filter(pk=raw, is_active=True).first() if raw.isdigit() else None
            if owner is None:
                errors["owner"] = "Pilote inconnu."
        if "owner" not in errors and (owner.pk if owner else None) != action.owner_id:
            changes["owner"] = owner
    if "due_on" in names and ("due_on" in data or DATE_CLEAR_FLAG in data):
        due_changes, due_errors = _parse_due_on(action, data)
        errors.update(due_errors)
        if due_changes.get("due_on", action.due_on) != action.due_on:
            changes.update(due_changes)
    return changes, errors
