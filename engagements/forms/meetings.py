"""Forms of the meetings and trainings pages. They validate and display; engagements.services.meetings writes."""

from django import forms
from django.utils import timezone

from accounts import access
from accounts.models import User
from engagements.forms.actions import NotPastDueOnMixin, offer_plans_and_owners
from engagements.models import ActionPlan, Meeting, Trainee
from engagements.services import trainings as services
from qualipref.lib.forms import QualiprefForm, date_input, offer_choices
from sites.models import Prefecture, Site


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.prefecture.department_id})"


# --- meetings -------------------------------------------------------------------------------------


class PrefectureChoiceMixin:
    """On creation, the prefecture among those the actor keeps (``kept_prefectures(actor)``), hidden when there is
    one; never changed after (the field is removed when editing)."""

    def kept_prefectures(self, actor):
        raise NotImplementedError

    def setup_prefecture(self, actor, instance):
        """The prefectures offered (a list), None when editing ``instance``."""
        if instance is not None:
            del self.fields["prefecture"]
            return None
        return offer_choices(self.fields["prefecture"], self.kept_prefectures(actor).select_related("department"))


def first_texts_field(label, help_text):
    """The first texts of a meeting or an exercise (its decisions, its lessons), typed on its creation one a line
    (``text_lines`` cleans them); later ones are added one by one on its page."""
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=help_text)


def text_lines(value):
    """The non-blank lines of ``value``, trimmed."""
    return [line.strip() for line in value.splitlines() if line.strip()]


class MeetingForm(PrefectureChoiceMixin, QualiprefForm):
    """A COPIL or CLU; on creation, the prefecture (when the actor manages several) and the first decisions."""

    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="Instance", choices=Meeting.Kind.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label="Date de la réunion", widget=date_input())
    attendees = forms.CharField(
        label="Participants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une personne par ligne, avec sa fonction : « Claire Fabre, responsable qualité ».",
    )
    minutes = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Points abordés, indicateurs examinés, avis des usagers…",
    )
    decisions = first_texts_field(
        "Décisions", "Une décision par ligne. Chacune pourra ensuite devenir une action du plan d’action."
    )

    def __init__(self, *args, actor, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_prefecture(actor, meeting)
        if meeting is not None:
            del self.fields["decisions"]  # added one by one on the meeting's page

    def kept_prefectures(self, actor):
        return access.manageable_meeting_prefectures(Prefecture.objects.all(), actor)

    def clean_decisions(self):
        return text_lines(self.cleaned_data["decisions"])


def text_with_action_field(label, *, required, help_text):
    """The text of a TextWithAction (a meeting's decision, an exercise's lesson): a few lines, ``required`` the message
    when it is missing."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required},
        help_text=help_text,
    )


class DecisionForm(QualiprefForm):
    text = text_with_action_field(
        "Décision",
        required="Le texte de la décision est obligatoire.",
        help_text="Par exemple : « Ouvrir l’accueil des étrangers à 8 h au lieu de 8 h 15 ».",
    )


class DecisionActionForm(NotPastDueOnMixin, QualiprefForm):
    """What the action made of a decision needs beyond its text: plan, site, owner, due date."""

    plan = forms.ModelChoiceField(label="Plan d’action", queryset=ActionPlan.objects.none(), empty_label=None)
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        required=False,
        empty_label="Toute la préfecture",
    )
    owner = PersonChoiceField(label="Pilote", queryset=None, required=False, empty_label="— À désigner —")
    due_on = forms.DateField(label="Échéance", widget=date_input(), required=False)

    def __init__(self, *args, prefecture, **kwargs):
        super().__init__(*args, **kwargs)
        offer_plans_and_owners(self, prefecture)
        self.fields["site"].queryset = Site.objects.filter(prefecture=prefecture, is_active=True).order_by("name")


# --- trainings ------------------------------------------------------------------------------------


class TrainingForm(QualiprefForm):
    site = SiteChoiceField(
        label="Site d’affectation",
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Vous ne tenez pas les formations de ce site : choisissez un de vos sites."},
    )
    person = PersonChoiceField(
        label="Agent",
        queryset=None,
        required=False,
        empty_label="— Choisir la personne formée —",
        error_messages={
            "invalid_choice": "Cette personne n’est pas habilitée sur un site dont vous tenez les formations."
        },
    )
    trainee = forms.ModelChoiceField(
        label="Ou personne sans compte",
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={
            "invalid_choice": "Cette personne n’est pas rattachée à un site dont vous tenez les formations."
        },
    )
    course = forms.CharField(
        label="Formation",
        max_length=200,
        help_text="Intitulé de la formation, par exemple : « Accueil du public et gestion des situations difficiles ».",
    )
    reception = forms.BooleanField(
        label="Formation à l’accueil",
        required=False,
        initial=True,
        help_text="Cochée, elle compte pour l’engagement « chaque agent formé à l’accueil depuis moins de 4 ans ».",
    )
    trained_on = forms.DateField(label="Suivie le", widget=date_input())

    def __init__(self, *args, actor, training=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (
            access.manageable_training_sites(Site.objects.all(), actor)
            .select_related("prefecture")
            .order_by("prefecture__department_id", "name")
        )
        people = services.training_people(actor)
        if training is not None:
            # A record of someone who has since left stays editable.
            people = people | User.objects.filter(pk=training.person_id)
        self.fields["person"].queryset = people
        trainees = services.training_trainees(actor)
        if training is not None and training.trainee_id:
            trainees = trainees | Trainee.objects.filter(pk=training.trainee_id)
        self.fields["trainee"].queryset = trainees

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("person") is None) == (data.get("trainee") is None):
            self.add_error("person", "Choisissez un agent ou une personne sans compte (un seul des deux).")
        return data

    def clean_trained_on(self):
        trained_on = self.cleaned_data["trained_on"]
        if trained_on > timezone.localdate():
            raise forms.ValidationError(
                "La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."
            )
        return trained_on


class AgentsFilterForm(QualiprefForm):
    """The scope of the « agents non formés » list: a site or a prefecture the user may see."""

    site = SiteChoiceField(label="Site", queryset=Site.objects.none(), required=False, empty_label="Tous les sites")
    prefecture = forms.ModelChoiceField(
        label="Préfecture", queryset=Prefecture.objects.none(), required=False, empty_label="Toutes les préfectures"
    )
    planned = forms.ChoiceField(
        label="Session prévue",
        required=False,
        choices=(("", "Avec ou sans session"), ("yes", "Inscrits à une session"), ("no", "Aucune session prévue")),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (
            Site.objects.for_user(actor).select_related("prefecture").order_by("prefecture__department_id", "name")
        )
        self.fields["prefecture"].queryset = Prefecture.objects.for_user(actor).select_related("department")
