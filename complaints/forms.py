"""Forms of the register's pages and of the public e-réclamation form. They validate the shape of what is typed;
complaints.services checks the rules and writes (its French messages are put back on the fields by the views)."""

from django import forms
from django.db.models import Q

from accounts import access
from accounts.models import User
from complaints import replies, stats
from complaints.models import Complaint
from engagements.forms.actions import NewActionForm
from engagements.models import Engagement, Labelling, Referential
from qualipref.lib.forms import QualiprefForm, date_input, offer_choices
from sites.models import Prefecture, Service, Site

DESCRIPTION_MAX_LENGTH = 5000  # on the public form; agents may type longer letters (services.DESCRIPTION_MAX_LENGTH)


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A select whose options are grouped (``<optgroup>``); ``groups`` is [(label, [(obj, label)...])]. The
    queryset still validates what is sent."""

    def set_groups(self, groups):
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = empty + [(label, [(obj.pk, text) for obj, text in objs]) for label, objs in groups]


class ServiceSelect(forms.Select):
    """The services of every site the user may record on, each option labelled with its site and marked with it
    (``data-site``): static/complaints/services.js offers only those of the chosen site; without JavaScript the
    labels tell the services apart and the form refuses a service of another site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_of = {}
        self.attrs.setdefault("data-services-of", "site")

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        site_id = self.site_of.get(str(getattr(value, "value", value)))
        if site_id is not None:
            option["attrs"]["data-site"] = str(site_id)
        return option


def site_groups(sites):
    """Sites grouped by prefecture: [("13 – Préfecture des Bouches-du-Rhône", [(site, name)...])]."""
    groups = {}
    for site in sites:
        prefecture = site.prefecture
        groups.setdefault(f"{prefecture.department_id} – {prefecture.name}", []).append((site, site.name))
    return list(groups.items())


def service_groups(services):
    """Services grouped by site, each labelled with its site (sites share service names: « Accueil général »):
    [("Sous-préfecture d'Arles", [(service, "Accueil général – Sous-préfecture d'Arles")...])]."""
    groups = {}
    for service in services:
        groups.setdefault(service.site.name, []).append((service, f"{service.name} – {service.site.name}"))
    return list(groups.items())


def engagement_groups(prefecture_ids):
    """Engagements of the référentiels of the prefectures' running labelling cycles (all when none runs),
    grouped by référentiel and module. Two queries."""
    referentials = Referential.objects.filter(
        pk__in=Labelling.objects.current().filter(prefecture_id__in=prefecture_ids).values("referential_id")
    )
    engagements = Engagement.objects.select_related("module", "referential").order_by(
        "referential__code", "-referential__published_on", "module__number", "number"
    )
    chosen = list(engagements.filter(referential__in=referentials))
    groups = {}
    for engagement in chosen or engagements:
        module = engagement.module
        label = f"{engagement.referential} – module {module.number} : {module.title}"
        groups.setdefault(label, []).append((engagement, f"{engagement.code} – {engagement.title}"))
    return list(groups.items())


# --- the register ---------------------------------------------------------------------------------------


def service_field(label):
    """The ``service`` field of a register item's form: the services of the sites offered, grouped by site; the
    form (``RegisterItemForm.clean``) refuses one of another site."""
    return GroupedModelChoiceField(
        label=label,
        queryset=Service.objects.none(),
        widget=ServiceSelect,
        required=False,
        empty_label="— Non précisé —",
        help_text="Le service doit appartenir au site choisi.",
    )


class RegisterItemForm(QualiprefForm):
    """What the forms of an item of a register (complaint, correspondence) share: its site among those the actor
    may record on, the service of that site, « assign to me » on creation. The form declares ``site``,
    ``service`` and ``assign_to_me``; the services check the rules again."""

    def set_sites(self, sites, *, item=None):
        """Offer ``sites`` (grouped by prefecture) and their services; an existing item stays within its
        prefecture (the reference of a complaint carries its département). Returns the sites offered."""
        if item is not None:
            sites = sites.filter(prefecture_id=item.prefecture_id) | Site.objects.filter(pk=item.site_id)
            del self.fields["assign_to_me"]
        sites = list(sites.select_related("prefecture").order_by("prefecture__department_id", "name"))
        self.fields["site"].queryset = Site.objects.filter(pk__in=[site.pk for site in sites])
        self.fields["site"].set_groups(site_groups(sites))
        services = Service.objects.filter(site__in=sites).filter(
            Q(is_active=True) | Q(pk=getattr(item, "service_id", None))
        )
        services = list(services.select_related("site").order_by("site__name", "name"))
        self.fields["service"].queryset = Service.objects.filter(pk__in=[service.pk for service in services])
        self.fields["service"].set_groups(service_groups(services))
        self.fields["service"].widget.site_of = {str(service.pk): service.site_id for service in services}
        if len(sites) == 1 and item is None:
            self.fields["site"].initial = sites[0].pk
        return sites

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


class ComplaintForm(RegisterItemForm):
    """What describes a complaint (creation and edit pages)."""

    site = GroupedModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    service = service_field("Service concerné")
    kind = forms.ChoiceField(
        label="Nature", choices=Complaint.Kind.choices, widget=forms.RadioSelect, initial=Complaint.Kind.COMPLAINT
    )
    channel = forms.ChoiceField(label="Canal de réception", choices=Complaint.Channel.choices)
    received_on = forms.DateField(
        label="Date de réception",
        widget=date_input(),
        help_text="L’échéance de réponse est le 15e jour ouvré suivant, au calendrier du site.",
    )
    category = forms.ChoiceField(label="Thème", choices=Complaint.Category.choices, initial=Complaint.Category.OTHER)
    engagement = GroupedModelChoiceField(
        label="Engagement concerné",
        queryset=Engagement.objects.none(),
        required=False,
        empty_label="— Aucun —",
    )
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 6}))
    requester_name = forms.CharField(label="Nom du demandeur", required=False, max_length=150)
    requester_email = forms.EmailField(label="Courriel du demandeur", required=False)
    requester_phone = forms.CharField(label="Téléphone du demandeur", required=False, max_length=30)
    requester_address = forms.CharField(label="Adresse postale du demandeur", required=False, max_length=300)
    assign_to_me = forms.BooleanField(
        label="Je traite cette réclamation",
        required=False,
        initial=True,
        help_text="Elle vous sera attribuée ; sinon elle reste « à attribuer ».",
    )

    def __init__(self, *args, actor, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = self.set_sites(access.complaint_sites(Site.objects.all(), actor), item=complaint)
        self.fields["engagement"].queryset = Engagement.objects.all()
        self.fields["engagement"].set_groups(engagement_groups({site.prefecture_id for site in sites}))


class AnswerDateForm(QualiprefForm):
    """The date of an answer, in both registers."""

    answered_on = forms.DateField(
        label="Date de la réponse", widget=date_input(), help_text="Ni avant la réception, ni dans le futur."
    )


class AnswerForm(AnswerDateForm):
    response = forms.CharField(
        label="Réponse apportée",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Le texte envoyé au demandeur, ou la suite donnée pour une demande anonyme.",
    )


class TemplatePickerForm(QualiprefForm):
    """Fill the answer with a template of the prefecture's library (GET: works without JavaScript)."""

    modele = forms.ModelChoiceField(
        label="Modèle de réponse", queryset=None, empty_label="— Choisir un modèle —", required=False
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modele"].queryset = templates


class ReassignForm(QualiprefForm):
    assigned_to = forms.ModelChoiceField(
        label="Agent chargé de la réponse",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Personne (à attribuer) —",
        help_text="Les agents et référents du site, et le responsable qualité de la préfecture.",
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = users


ComplaintActionForm = NewActionForm  # the action made of a complaint


class ReplyTemplateForm(QualiprefForm):
    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)
    title = forms.CharField(label="Intitulé", max_length=150)
    body = forms.CharField(
        label="Texte du modèle",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Variables remplacées à l’usage : "
        + ", ".join(f"{{{name}}} ({text})" for name, text in replies.PLACEHOLDERS.items())
        + ". Doublez une accolade pour l’écrire telle quelle.",
    )
    is_active = forms.BooleanField(label="Proposé aux agents", required=False, initial=True)

    def __init__(self, *args, actor, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        if template is not None:
            del self.fields["prefecture"]
            return
        prefectures = access.manageable_reply_template_prefectures(Prefecture.objects.all(), actor)
        offer_choices(self.fields["prefecture"], prefectures.select_related("department"))


# --- the register's filters and statistics ----------------------------------------------------------------


class StatsForm(QualiprefForm):
    year = forms.IntegerField(label="Année de réception", min_value=2000, max_value=2100)
    by = forms.ChoiceField(
        label="Regrouper par",
        choices=[(stats.BY_SITE, "Site"), (stats.BY_PREFECTURE, "Préfecture")],
        initial=stats.BY_SITE,
        widget=forms.RadioSelect,
    )
    period = forms.ChoiceField(
        label="Période",
        choices=[(stats.PER_YEAR, "Année"), (stats.PER_MONTH, "Mois")],
        initial=stats.PER_YEAR,
        widget=forms.RadioSelect,
    )
    prefecture = forms.ModelChoiceField(
        label="Préfecture", queryset=Prefecture.objects.none(), required=False, empty_label="Toutes"
    )
    kind = forms.ChoiceField(
        label="Nature",
        choices=[
            ("", "Réclamations et suggestions"),
            (Complaint.Kind.COMPLAINT, "Réclamations"),
            (Complaint.Kind.SUGGESTION, "Suggestions"),
        ],
        required=False,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].queryset = Prefecture.objects.for_user(actor).select_related("department")


# --- the public form ----------------------------------------------------------------------------------------


class PublicComplaintForm(QualiprefForm):
    """The e-réclamation form: no login. ``website`` is a honeypot, hidden from people and screen readers."""

    site = GroupedModelChoiceField(
        label="Site concerné",
        queryset=Site.objects.none(),
        empty_label="— Choisir le site —",
        help_text="La préfecture ou la sous-préfecture où vous avez été reçu(e), par département.",
        error_messages={
            "required": "Choisissez le site concerné.",
            "invalid_choice": "Choisissez un site de la liste.",
        },
    )
    service = GroupedModelChoiceField(
        label="Service concerné (facultatif)",
        queryset=Service.objects.none(),
        required=False,
        empty_label="— Je ne sais pas —",
        error_messages={"invalid_choice": "Choisissez un service de la liste."},
    )
    kind = forms.ChoiceField(
        label="Votre demande est",
        choices=[
            (Complaint.Kind.COMPLAINT, "une réclamation : quelque chose ne s’est pas bien passé"),
            (Complaint.Kind.SUGGESTION, "une suggestion : une idée pour améliorer l’accueil"),
        ],
        widget=forms.RadioSelect,
        initial=Complaint.Kind.COMPLAINT,
        error_messages={"required": "Indiquez s’il s’agit d’une réclamation ou d’une suggestion."},
    )
    category = forms.ChoiceField(
        label="Thème (facultatif)",
        choices=[("", "— Choisir un thème —"), *Complaint.Category.choices],
        required=False,
    )
    description = forms.CharField(
        label="Votre message",
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Décrivez ce qui s’est passé, quand, et ce que vous attendez ({DESCRIPTION_MAX_LENGTH} caractères "
        "au plus). N’indiquez pas de numéro de dossier, de titre de séjour ni de donnée de santé.",
        error_messages={
            "required": "Écrivez votre message.",
            "max_length": f"Votre message dépasse {DESCRIPTION_MAX_LENGTH} caractères.",
        },
    )
    requester_name = forms.CharField(
        label="Nom et prénom (facultatif)",
        required=False,
        max_length=150,
        widget=forms.TextInput({"autocomplete": "name"}),
    )
    requester_email = forms.EmailField(
        label="Adresse électronique (facultatif)",
        required=False,
        help_text="Format attendu : nom@exemple.fr. Un accusé de réception vous sera envoyé.",
        widget=forms.EmailInput({"autocomplete": "email"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    requester_phone = forms.CharField(
        label="Téléphone (facultatif)",
        required=False,
        max_length=30,
        widget=forms.TextInput({"autocomplete": "tel", "type": "tel"}),
    )
    requester_address = forms.CharField(
        label="Adresse postale (facultatif)",
        required=False,
        max_length=300,
        widget=forms.TextInput({"autocomplete": "street-address"}),
        help_text="Pour recevoir la réponse par courrier.",
    )
    requester_postcode = forms.RegexField(
        label="Code postal (facultatif)",
        regex=r"^\s*\d{5}\s*$",
        required=False,
        max_length=10,
        widget=forms.TextInput({"autocomplete": "postal-code", "inputmode": "numeric"}),
        help_text="Cinq chiffres, par exemple 13200. Avec la référence, il vous permet de suivre votre demande.",
        error_messages={"invalid": "Le code postal s’écrit avec cinq chiffres, par exemple 13200."},
    )
    # Honeypot: people never see it (rendered apart, hidden); robots fill every field they find.
    website = forms.CharField(label="Site web (ne pas remplir)", required=False)

    honeypot_message = (
        "Votre demande n’a pas pu être enregistrée : elle ressemble à un envoi automatique. "
        "Si vous n’êtes pas un robot, rechargez la page et recommencez."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_spam = False
        sites = list(Site.objects.active().select_related("prefecture").order_by("prefecture__department_id", "name"))
        self.fields["site"].queryset = Site.objects.active()
        self.fields["site"].set_groups(site_groups(sites))
        services = list(
            Service.objects.filter(is_active=True, site__is_active=True)
            .select_related("site")
            .order_by("site__prefecture__department_id", "site__name", "name")
        )
        self.fields["service"].queryset = Service.objects.filter(is_active=True)
        self.fields["service"].set_groups(service_groups(services))
        self.services_by_site = {}
        for service in services:
            self.services_by_site.setdefault(str(service.site_id), []).append([service.pk, service.name])

    def clean(self):
        cleaned = super().clean()
        if (self.data.get("website") or "").strip():
            self.is_spam = True
            raise forms.ValidationError(self.honeypot_message)
        site, service = cleaned.get("site"), cleaned.get("service")
        if site and service and service.site_id != site.pk:
            self.add_error(
                "service", "Ce service n’appartient pas au site choisi : choisissez-en un autre ou « Je ne sais pas »."
            )
        return cleaned

    def clean_requester_postcode(self):
        return self.cleaned_data["requester_postcode"].strip()

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "website"]


class TrackingForm(QualiprefForm):
    """« Suivre ma demande »: the reference and the e-mail address or the postcode the requester gave."""

    reference = forms.CharField(
        label="Référence de votre demande",
        max_length=24,
        help_text="Elle figure sur la page de confirmation et dans l’accusé de réception, "
        "par exemple REC-13-2026-00042.",
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": "Saisissez la référence de votre demande, par exemple REC-13-2026-00042."},
    )
    contact = forms.CharField(
        label="Adresse électronique ou code postal",
        max_length=254,
        help_text="Celui que vous avez indiqué en déposant votre demande : nom@exemple.fr ou 13200.",
        widget=forms.TextInput({"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Saisissez l’adresse électronique ou le code postal indiqué dans votre demande."},
    )

    def clean_reference(self):
        return "".join(self.cleaned_data["reference"].split()).upper()

    def clean_contact(self):
        return self.cleaned_data["contact"].strip()
