"""Forms of the correspondence pages: they check the shape of what is typed; the services check the rules."""

import django_filters
from django import forms
from django.db.models import Q

from accounts import access
from accounts.forms import QualiprefForm, date_input
from complaints.correspondence import imports
from complaints.correspondence.filters import STATUS_CHOICES, CorrespondenceFilter
from complaints.forms import GroupedModelChoiceField, PersonChoiceField, service_groups, site_groups
from complaints.models import Correspondence
from complaints.models.correspondence import MAX_DELAY
from qualipref.lib.uploads import megabytes
from sites.models import Prefecture, Service, Site


class CorrespondenceForm(QualiprefForm):
    """What describes an item (creation and edit pages)."""

    kind = forms.ChoiceField(label="Type", choices=Correspondence.Kind.choices)
    site = GroupedModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    service = GroupedModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        required=False,
        empty_label="— Non précisé —",
        help_text="Le service doit appartenir au site choisi.",
    )
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
    answered_on = forms.DateField(
        label="Date de la réponse", widget=date_input(), required=False, help_text="Vide tant que rien n’est répondu."
    )
    assigned_to = PersonChoiceField(
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
        sites = access.correspondence_sites(Site.objects.all(), actor)
        if correspondence is None:
            del self.fields["assigned_to"]
        else:
            sites = sites.filter(prefecture_id=correspondence.prefecture_id) | Site.objects.filter(
                pk=correspondence.site_id
            )
            del self.fields["assign_to_me"]
            self.fields["assigned_to"].queryset = users
        sites = list(sites.select_related("prefecture").order_by("prefecture__department_id", "name"))
        self.fields["site"].queryset = Site.objects.filter(pk__in=[site.pk for site in sites])
        self.fields["site"].set_groups(site_groups(sites))
        services = Service.objects.filter(site__in=sites).filter(
            Q(is_active=True) | Q(pk=getattr(correspondence, "service_id", None))
        )
        services = list(services.select_related("site").order_by("site__name", "name"))
        self.fields["service"].queryset = Service.objects.filter(pk__in=[service.pk for service in services])
        self.fields["service"].set_groups(service_groups(services))
        if len(sites) == 1 and correspondence is None:
            self.fields["site"].initial = sites[0].pk

    def clean(self):
        cleaned = super().clean()
        site, service = cleaned.get("site"), cleaned.get("service")
        if site and service and service.site_id != site.pk:
            self.add_error("service", "Ce service n’appartient pas au site choisi.")
        return cleaned

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("assign_to_me", None)
        return data


class AnswerForm(QualiprefForm):
    answered_on = forms.DateField(
        label="Date de la réponse", widget=date_input(), help_text="Ni avant la réception, ni dans le futur."
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
        prefectures = access.correspondence_import_prefectures(Prefecture.objects.all(), actor).select_related(
            "department"
        )
        self.fields["prefecture"].queryset = prefectures
        if len(prefectures) == 1:
            self.fields["prefecture"].initial = prefectures[0].pk
            self.fields["prefecture"].widget = forms.HiddenInput()


class DelaysForm(QualiprefForm):
    elected_official_days = forms.IntegerField(
        label="Demandes de rendez-vous des élus (jours ouvrés)", min_value=1, max_value=MAX_DELAY
    )
    local_authority_days = forms.IntegerField(
        label="Lettres d’observations aux collectivités (jours ouvrés)", min_value=1, max_value=MAX_DELAY
    )


class CorrespondenceListFilterForm(QualiprefForm):
    pass


class CorrespondenceListFilter(CorrespondenceFilter):
    """The API's filters with the sites the user may see, French labels and checkboxes."""

    site = django_filters.ModelChoiceFilter(
        label="Site",
        queryset=lambda request: Site.objects.for_user(request.user).select_related("prefecture"),
        empty_label="Tous les sites",
    )
    kind = django_filters.ChoiceFilter(label="Type", choices=Correspondence.Kind.choices, empty_label="Tous")
    status = django_filters.ChoiceFilter(
        label="Statut", choices=STATUS_CHOICES, method="filter_status", empty_label="Tous"
    )
    overdue = django_filters.BooleanFilter(
        label="En retard", method="filter_overdue", widget=forms.CheckboxInput, field_name="overdue"
    )
    due_this_week = django_filters.BooleanFilter(
        label="À échéance dans les 7 jours",
        method="filter_due_this_week",
        widget=forms.CheckboxInput,
        field_name="due_this_week",
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label="Référence")

    class Meta(CorrespondenceFilter.Meta):
        form = CorrespondenceListFilterForm
        fields = ["site", "kind", "status", "overdue", "due_this_week", "reference", "import_batch"]
