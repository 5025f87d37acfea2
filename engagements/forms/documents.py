"""Forms of the register of quality documents. They validate and display; engagements.services.documents writes.

The choices of a document's form are those of its prefecture only (its sites, its people): an id of another
prefecture is refused by the form as an unknown choice, before the service would refuse it too.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from engagements.filters.documents import EngagementChoiceField
from engagements.forms.meetings import PersonChoiceField
from engagements.models import Engagement, QualityDocument
from engagements.services import documents as services
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Site


class EngagementsField(forms.ModelMultipleChoiceField):
    label_from_instance = EngagementChoiceField.label_from_instance


def _link_field(label, *, help_text, invalid):
    """An optional link to where a document (or a version) is published: a full web address, https by default."""
    return forms.URLField(
        label=label,
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=help_text,
        error_messages={"invalid": invalid},
    )


class DocumentForm(QualiprefForm):
    reference = forms.CharField(
        label="Référence",
        max_length=40,
        help_text="Unique dans le registre de la préfecture, par exemple PROC-ACC-01.",
        error_messages={"required": "Indiquez la référence du document (par exemple PROC-ACC-01)."},
    )
    title = forms.CharField(
        label="Intitulé", max_length=250, error_messages={"required": "Indiquez l'intitulé du document."}
    )
    kind = forms.ChoiceField(label="Nature", choices=QualityDocument.Kind.choices)
    owner = PersonChoiceField(
        label="Responsable du document",
        queryset=get_user_model().objects.none(),
        help_text="Il est alerté avant la date de révision, puis une fois en retard.",
        error_messages={"required": "Choisissez le responsable du document."},
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites concernés",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun site coché : le document concerne toute la préfecture.",
    )
    engagements = EngagementsField(
        label="Engagements servis",
        queryset=Engagement.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Le document est présenté comme preuve de ces engagements dans la grille d'évaluation et le "
        "rapport d'audit. Ctrl (ou Cmd) + clic pour en choisir plusieurs.",
    )
    intranet_url = _link_field(
        "Lien intranet",
        help_text="La rubrique de l'intranet où le document est publié, s'il y en a une.",
        invalid="Le lien intranet doit être une adresse web complète (https://…).",
    )
    review_months = forms.IntegerField(
        label="Périodicité de révision (mois)",
        min_value=1,
        max_value=services.MAX_REVIEW_MONTHS,
        initial=12,
        error_messages={
            "required": "Indiquez la périodicité de révision en mois.",
            "min_value": f"La périodicité de révision est un nombre de mois entre 1 et {services.MAX_REVIEW_MONTHS}.",
            "max_value": f"La périodicité de révision est un nombre de mois entre 1 et {services.MAX_REVIEW_MONTHS}.",
            "invalid": "La périodicité de révision est un nombre entier de mois.",
        },
    )

    def __init__(self, *args, prefecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.owner_candidates(prefecture)
        if prefecture is None:
            del self.fields["sites"]  # a national document applies everywhere
        else:
            self.fields["sites"].queryset = Site.objects.filter(prefecture=prefecture, is_active=True).order_by("name")
        self.fields["engagements"].queryset = Engagement.objects.select_related("referential").order_by(
            "referential__code", "-referential__published_on", "module__number", "number"
        )


class VersionForm(QualiprefForm):
    number = forms.CharField(
        label="Numéro de version",
        max_length=20,
        help_text="Par exemple 1.0, 1.1 ou 2.0.",
        error_messages={"required": "Indiquez le numéro de la version (par exemple 1.0)."},
    )
    dated = forms.DateField(
        label="Date du document",
        widget=date_input(),
        error_messages={"required": "Indiquez la date du document.", "invalid": "Indiquez une date valide."},
    )
    file = forms.FileField(
        label="Fichier",
        required=False,
        help_text=f"{services.FILE_HELP} Ou indiquez un lien ci-dessous.",
        widget=forms.ClearableFileInput(attrs={"accept": services.FILE_ACCEPT}),
    )
    url = _link_field(
        "Lien",
        help_text="Si la version est publiée ailleurs (intranet, espace partagé) plutôt que jointe.",
        invalid="Le lien doit être une adresse web complète (https://…).",
    )
    changes = forms.CharField(
        label="Modifications apportées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui change par rapport à la version précédente.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("dated", timezone.localdate())
        super().__init__(*args, **kwargs)
