"""Forms of the crisis communication pages. They validate and display; crisis.services writes."""

from django import forms

from accounts import access
from accounts.models import User
from crisis import services
from crisis.models import CrisisEvent, PressRelease
from engagements.forms.meetings import (
    PersonChoiceField,
    PrefectureChoiceMixin,
    first_texts_field,
    text_lines,
    text_with_action_field,
)
from qualipref.lib.bounds import check_date
from qualipref.lib.forms import QualiprefForm, datetime_input
from sites.models import Prefecture

END_BEFORE_START = "La fin de l’astreinte doit être postérieure à son début."
OPERATIONAL_BEFORE_ALERT = "La cellule ne peut pas être opérationnelle avant la réception de l’alerte."


class PrefectureFormMixin(PrefectureChoiceMixin):
    """The prefectures offered: those whose crisis registers the actor keeps."""

    def kept_prefectures(self, actor):
        return access.manageable_crisis_prefectures(Prefecture.objects.all(), actor)


def moment(label, *, help_text="Heure de Paris.", **kwargs):
    """A date and time typed in the browser's picker, within the dates the project accepts."""
    return forms.DateTimeField(
        label=label, widget=datetime_input(), help_text=help_text, validators=[check_date], **kwargs
    )


def _prefecture_field():
    return forms.ModelChoiceField(
        label="Préfecture",
        queryset=Prefecture.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Vous ne tenez pas les registres de crise de cette préfecture."},
    )


class ShiftForm(PrefectureFormMixin, QualiprefForm):
    prefecture = _prefecture_field()
    person = PersonChoiceField(
        label="Agent d’astreinte (compte Qualipref)",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Personne sans compte : indiquer son nom —",
        error_messages={"invalid_choice": "Cette personne n’est pas habilitée dans la préfecture."},
    )
    person_name = forms.CharField(
        label="Nom de l’agent d’astreinte (sans compte)",
        max_length=150,
        required=False,
        help_text="Si l’agent n’a pas de compte : prénom, nom et fonction, par exemple « Marc Ollivier, cabinet ».",
    )
    phone = forms.CharField(
        label="Téléphone d’astreinte",
        max_length=30,
        help_text="Le numéro joignable pendant l’astreinte, par exemple 06 12 34 56 78.",
    )
    starts_at = moment("Début")
    ends_at = moment("Fin")

    def __init__(self, *args, actor, shift=None, **kwargs):
        super().__init__(*args, **kwargs)
        prefectures = self.setup_prefecture(actor, shift)
        if shift is not None:
            people = services.on_call_people(shift.prefecture)
            if shift.person_id is not None:
                people = people | User.objects.filter(pk=shift.person_id)
        else:
            people = User.objects.none()
            for prefecture in prefectures:
                people = people | services.on_call_people(prefecture)
        self.fields["person"].queryset = people.distinct().order_by("last_name", "first_name", "username")

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", END_BEFORE_START)
        if not cleaned.get("person") and not (cleaned.get("person_name") or "").strip() and "person" not in self.errors:
            self.add_error("person_name", "Choisissez l’agent d’astreinte parmi les comptes ou indiquez son nom.")
        return cleaned


class EventForm(PrefectureFormMixin, QualiprefForm):
    prefecture = _prefecture_field()
    kind = forms.ChoiceField(label="Nature", choices=CrisisEvent.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label="Intitulé",
        max_length=200,
        help_text="Par exemple : « Exercice inondation du Rhône » ou « Feux de forêt du massif de l’Étoile ».",
    )
    with_cip = forms.BooleanField(
        label="Avec appel à la cellule d’information du public (CIP)",
        required=False,
    )
    alert_received_at = moment("Alerte reçue le", help_text="Date et heure (heure de Paris).")
    operational_at = moment(
        "Cellule opérationnelle le",
        help_text="Date et heure (heure de Paris) où la cellule de communication de crise était opérationnelle.",
    )
    description = forms.CharField(label="Déroulement", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    lessons = first_texts_field(
        "Enseignements de l’exercice",
        "Un enseignement par ligne. Chacun pourra ensuite devenir une action du plan d’action.",
    )

    def __init__(self, *args, actor, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_prefecture(actor, event)
        if event is not None:
            del self.fields["lessons"]  # added one by one on the event's page

    def clean_lessons(self):
        return text_lines(self.cleaned_data["lessons"])

    def clean(self):
        cleaned = super().clean()
        received, operational = cleaned.get("alert_received_at"), cleaned.get("operational_at")
        if received and operational and operational < received:
            self.add_error("operational_at", OPERATIONAL_BEFORE_ALERT)
        if cleaned.get("lessons") and cleaned.get("kind") == CrisisEvent.Kind.EVENT:
            self.add_error("lessons", "Seuls les exercices ont des enseignements à transformer en actions.")
        return cleaned


class LessonForm(QualiprefForm):
    text = text_with_action_field(
        "Enseignement",
        required="Le texte de l’enseignement est obligatoire.",
        help_text="Par exemple : « Mettre à jour l’annuaire d’astreinte des services de l’État ».",
    )


class PressReleaseForm(PrefectureFormMixin, QualiprefForm):
    prefecture = _prefecture_field()
    number = forms.IntegerField(
        label="Numéro",
        required=False,
        min_value=1,
        help_text="Laissé vide : le numéro suivant de l’année.",
        error_messages={"min_value": "Le numéro d’un communiqué commence à 1."},
    )
    title = forms.CharField(label="Objet", max_length=200)
    event = forms.ModelChoiceField(
        label="Événement",
        queryset=CrisisEvent.objects.none(),
        required=False,
        empty_label="— Sans événement du journal —",
        error_messages={"invalid_choice": "Choisissez un événement de la préfecture."},
    )
    issued_at = moment("Diffusé le", help_text="Date et heure de diffusion (heure de Paris).")
    channels = forms.MultipleChoiceField(
        label="Canaux de diffusion",
        choices=PressRelease.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un canal de diffusion."},
    )
    validated_by = forms.CharField(
        label="Validé par", max_length=150, help_text="Par exemple : « Directeur de cabinet du préfet »."
    )

    def __init__(self, *args, actor, release=None, **kwargs):
        super().__init__(*args, **kwargs)
        prefectures = self.setup_prefecture(actor, release)
        ids = [release.prefecture_id] if release is not None else [prefecture.pk for prefecture in prefectures]
        self.fields["event"].queryset = CrisisEvent.objects.filter(prefecture_id__in=ids).order_by("-alert_received_at")
