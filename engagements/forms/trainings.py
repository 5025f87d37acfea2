"""Forms of the training plan: people without an account, sessions, enrolment, attendance. They validate and
display; engagements.services.trainings writes."""

import datetime

from django import forms
from django.utils import timezone

from accounts import access
from engagements.forms.meetings import PersonChoiceField, SiteChoiceField
from engagements.models import TrainingKind
from engagements.services import trainings as services
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Site


def _manageable_sites(actor):
    return (
        access.manageable_training_sites(Site.objects.all(), actor)
        .select_related("prefecture")
        .order_by("prefecture__department_id", "name")
    )


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TraineeForm(QualiprefForm):
    site = SiteChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Vous ne tenez pas les formations de ce site : choisissez un de vos sites."},
    )
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    service = forms.CharField(label="Service", max_length=200, required=False)
    position = forms.CharField(
        label="Fonction", max_length=200, required=False, help_text="Par exemple : « agent d’accueil, guichet 3 »."
    )
    reception_agent = forms.BooleanField(
        label="Agent d’accueil",
        required=False,
        initial=True,
        help_text="Coché, la personne compte pour la règle « formé à l’accueil depuis moins de 4 ans ».",
    )
    started_on = forms.DateField(label="Sur le site depuis le", widget=date_input())
    left_on = forms.DateField(
        label="A quitté le site le",
        required=False,
        widget=date_input(),
        help_text="Ses données personnelles sont anonymisées à la fin de la durée de conservation après son départ.",
    )

    def __init__(self, *args, actor, trainee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _manageable_sites(actor)
        if trainee is None:
            del self.fields["left_on"]


class TrainingSessionForm(QualiprefForm):
    site = SiteChoiceField(
        label="Site organisateur",
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Vous ne planifiez pas de session sur ce site : choisissez un de vos sites."},
    )
    course = forms.CharField(
        label="Formation",
        max_length=200,
        help_text="Intitulé, par exemple : « Accueil du public et gestion des situations difficiles ».",
    )
    kind = forms.ChoiceField(label="Type", choices=TrainingKind.choices)
    day = forms.DateField(label="Date", widget=date_input())
    start_time = forms.TimeField(label="Heure de début", widget=time_input())
    end_time = forms.TimeField(label="Heure de fin", widget=time_input())
    place = forms.CharField(label="Lieu", max_length=200, help_text="Salle, bâtiment, adresse.")
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        error_messages={"min_value": "Une session a au moins une place."},
    )
    min_enrolled = forms.IntegerField(
        label="Inscrits nécessaires",
        min_value=1,
        max_value=500,
        initial=1,
        help_text="En dessous, une alerte prévient avant la session.",
        error_messages={"min_value": "Il faut au moins un inscrit pour tenir une session."},
    )

    def __init__(self, *args, actor, session=None, **kwargs):
        if session is not None:
            starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
            kwargs.setdefault("initial", {}).update(
                {
                    name: getattr(session, name)
                    for name in services.SESSION_FIELDS
                    if name not in ("starts_at", "ends_at")
                }
                | {"day": starts.date(), "start_time": starts.time(), "end_time": ends.time()}
            )
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["site"].queryset = _manageable_sites(actor)

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "L’heure de fin doit suivre l’heure de début.")
        if day and start:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, start))
            unchanged = self.session is not None and starts_at == self.session.starts_at
            if starts_at < timezone.now() and not unchanged:
                self.add_error("day", "Une nouvelle session ne peut pas être planifiée dans le passé.")
        capacity, minimum = data.get("capacity"), data.get("min_enrolled")
        if capacity and minimum and minimum > capacity:
            self.add_error("min_enrolled", "Le nombre d’inscrits nécessaires ne peut pas dépasser le nombre de places.")
        return data

    def service_values(self):
        data = dict(self.cleaned_data)
        day, start, end = data.pop("day"), data.pop("start_time"), data.pop("end_time")
        data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
        data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end))
        return data


class TraineeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.last_name} {obj.first_name} ({obj.site.name})"


class EnrolForm(QualiprefForm):
    """One person: an agent with an account or a person without an account."""

    user = PersonChoiceField(
        label="Agent (avec un compte)",
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Cette personne ne peut pas être inscrite à cette session."},
    )
    trainee = TraineeChoiceField(
        label="Ou personne sans compte",
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Cette personne ne peut pas être inscrite à cette session."},
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        users, trainees = services.enrolment_people(session)
        self.fields["user"].queryset = users
        self.fields["trainee"].queryset = trainees

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("user") is None) == (data.get("trainee") is None):
            raise forms.ValidationError("Choisissez un agent ou une personne sans compte (un seul des deux).")
        return data


class AttendanceForm(QualiprefForm):
    present = forms.ModelMultipleChoiceField(
        label="Présents",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Une des personnes cochées n’est pas inscrite à cette session."},
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = enrolments
        self.fields["present"].label_from_instance = lambda enrolment: enrolment.person_label
