"""Forms of the correspondence pages: they check the shape of what is typed; the services check the rules."""

from django import forms

from accounts import access
from complaints.correspondence import imports
from complaints.correspondence.services import EMAIL_INVALID
from complaints.forms import AnswerDateForm, GroupedModelChoiceField, RegisterItemForm, service_field
from complaints.models import Correspondence
from complaints.models.correspondence import MAX_DELAY
from qualipref.lib.forms import QualiprefForm, date_input, offer_choices
from qualipref.lib.uploads import megabytes
from sites.models import Prefecture, Site


class CorrespondenceForm(RegisterItemForm):
    """What describes an item (creation and edit pages)."""

    kind = forms.ChoiceField(label="Type", choices=Correspondence.Kind.choices)
    site = GroupedModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    service = service_field("Service")
    received_on = forms.DateField(
        label="Date de réception",
        widget=date_input(),
        help_text="L’échéance est calculée en jours ouvrés au calendrier du site : 15 pour un courrier, 5 pour un "
        "courriel, le délai de la préfecture pour les élus et les collectivités.",
    )
    reference = forms.CharField(
        label="Référence",
        required=False,
        max_length=40,
        help_text="Le numéro du courrier dans le logiciel de courrier, s’il en a un.",
    )
    subject = forms.CharField(label="Objet", required=False, max_length=300)
    sender = forms.CharField(
        label="Expéditeur",
        required=False,
        max_length=200,
        help_text="Donnée personnelle : visible des seuls agents qui traitent le courrier, effacée avec l’objet "
        "au terme de la durée de conservation.",
    )
    sender_email = forms.EmailField(
        label="Adresse électronique de l’expéditeur",
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
        help_text="Pour un courriel : la réponse enregistrée lui est envoyée. Donnée personnelle.",
    )
    sender_address = forms.CharField(
        label="Adresse postale de l’expéditeur",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour un courrier : le bloc adresse de la lettre de réponse, une ligne par ligne d’adresse. "
        "Donnée personnelle.",
    )
    answered_on = forms.DateField(
        label="Date de la réponse", widget=date_input(), required=False, help_text="Vide tant que rien n’est répondu."
    )
    assigned_to = forms.ModelChoiceField(
        label="Agent chargé de la réponse",
        queryset=None,
        required=False,
        empty_label="— Personne (à attribuer) —",
    )
    assign_to_me = forms.BooleanField(
        label="Je traite ce courrier", required=False, initial=True, help_text="Il vous sera attribué."
    )

    def __init__(self, *args, actor, correspondence=None, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if correspondence is None:
            del self.fields["assigned_to"]
        else:
            self.fields["assigned_to"].queryset = users
        self.set_sites(access.correspondence_sites(Site.objects.all(), actor), item=correspondence)


class AnswerForm(AnswerDateForm):
    """The date of the answer and, when it leaves from the application, its text (e-mailed for an e-mail whose
    sender left their address, printed as a letter for a letter)."""

    response = forms.CharField(
        label="Réponse apportée",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Facultatif : le texte envoyé à l’expéditeur. Laissez vide si la réponse est partie autrement.",
    )


class ImportForm(QualiprefForm):
    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)
    file = forms.FileField(
        label="Fichier CSV",
        help_text=f"Export du logiciel de courrier au format CSV (séparateur « ; » ou « , », UTF-8), "
        f"{megabytes(imports.MAX_BYTES).replace(',0', '')} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        prefectures = access.correspondence_import_prefectures(Prefecture.objects.all(), actor)
        offer_choices(self.fields["prefecture"], prefectures.select_related("department"))


class DelaysForm(QualiprefForm):
    elected_official_days = forms.IntegerField(
        label="Demandes de rendez-vous des élus (jours ouvrés)", min_value=1, max_value=MAX_DELAY
    )
    local_authority_days = forms.IntegerField(
        label="Lettres d’observations aux collectivités (jours ouvrés)", min_value=1, max_value=MAX_DELAY
    )
