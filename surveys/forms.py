"""Forms of the survey pages. They validate the shape of what is typed; surveys.services checks the rules and
writes (their French messages are put back on the fields by the views)."""

import uuid

from django import forms
from django.db.models import Q

from accounts import access
from engagements.forms.actions import NewActionForm
from qualipref.lib.forms import QualiprefForm, date_input, offer_choices
from sites.models import Prefecture, Service, Site
from surveys.models import Campaign, Highlight, Question, Questionnaire
from surveys.models.questionnaires import NO_OPINION_LABEL, SCALE, YES_NO

NO_OPINION = "s"


class SiteCheckboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class ServiceCheckboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.site.name} – {obj.name}"


class QuestionnaireChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} (version {obj.version})"


def _offer_campaign_prefectures(form, actor):
    """The prefectures whose campaigns ``actor`` manages, offered in ``form``'s prefecture field (hidden when one)."""
    prefectures = access.manageable_campaign_prefectures(Prefecture.objects.all(), actor)
    return offer_choices(form.fields["prefecture"], prefectures.select_related("department"))


class CampaignForm(QualiprefForm):
    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)
    title = forms.CharField(label="Intitulé", max_length=200)
    kind = forms.ChoiceField(
        label="Nature",
        choices=Campaign.Kind.choices,
        initial=Campaign.Kind.RESPONSES,
        widget=forms.RadioSelect,
        help_text="Une campagne passée connue seulement par ses taux (par exemple 2015) : « résultats agrégés ».",
    )
    questionnaire = QuestionnaireChoice(label="Questionnaire", queryset=Questionnaire.objects.none(), empty_label=None)
    sites = SiteCheckboxes(label="Sites", queryset=Site.objects.none())
    services = ServiceCheckboxes(
        label="Services (facultatif)",
        queryset=Service.objects.none(),
        required=False,
        help_text="Cochés, le visiteur indique le service qui l’a reçu ; les résultats sont aussi donnés par service.",
    )
    opens_on = forms.DateField(label="Ouverture le", widget=date_input())
    closes_on = forms.DateField(label="Clôture le", widget=date_input())
    channels = forms.MultipleChoiceField(
        label="Canaux de collecte",
        choices=Campaign.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Campaign.Channel.WEB, Campaign.Channel.PAPER],
    )
    target_responses = forms.IntegerField(label="Nombre de réponses visé", required=False, min_value=1)
    target_rate = forms.IntegerField(
        label="Objectif de satisfaction (%)",
        initial=80,
        min_value=0,
        max_value=100,
        error_messages={
            "max_value": "Un objectif de satisfaction ne dépasse pas 100 %%.",
            "min_value": "Un objectif de satisfaction est positif.",
        },
    )

    def __init__(self, *args, actor, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            del self.fields["prefecture"]
            del self.fields["kind"]
            prefecture_ids = [campaign.prefecture_id]
        else:
            prefecture_ids = [prefecture.pk for prefecture in _offer_campaign_prefectures(self, actor)]
        # The latest national versions and the published versions of the prefecture(s) (surveys.services checks
        # that a local version is the campaign's prefecture's).
        latest = Questionnaire.objects.latest_versions().values("pk")
        local = Questionnaire.objects.published().filter(prefecture_id__in=prefecture_ids).values("pk")
        questionnaires = Questionnaire.objects.filter(Q(pk__in=latest) | Q(pk__in=local))
        if campaign is not None:
            questionnaires = Questionnaire.objects.filter(
                Q(pk__in=latest) | Q(pk__in=local) | Q(pk=campaign.questionnaire_id)
            )
        self.fields["questionnaire"].queryset = questionnaires.order_by("code", "prefecture_id", "-published_on")
        self.fields["sites"].queryset = Site.objects.filter(prefecture_id__in=prefecture_ids).order_by("name")
        self.fields["services"].queryset = (
            Service.objects.filter(site__prefecture_id__in=prefecture_ids)
            .select_related("site")
            .order_by("site__name", "name")
        )

    def clean(self):
        cleaned = super().clean()
        prefecture = cleaned.get("prefecture")
        if prefecture is not None:
            for name in ("sites", "services"):
                items = cleaned.get(name) or []
                owner = (lambda item: item.prefecture_id) if name == "sites" else (lambda item: item.site.prefecture_id)
                if any(owner(item) != prefecture.pk for item in items):
                    self.add_error(name, "Choisissez des sites et services de la préfecture de la campagne.")
        return cleaned


# --- answering ---------------------------------------------------------------------------------------------------


YES, NO = "oui", "non"


def scale_choices():
    return [(str(value), label) for value, label in reversed(SCALE)] + [(NO_OPINION, NO_OPINION_LABEL)]


def yes_no_choices():
    """« Oui » / « Non », nothing else: a closed question left blank is simply not answered."""
    return [(YES, dict(YES_NO)[4]), (NO, dict(YES_NO)[1])]


def answer_field(question):
    """The field of one question in the public questionnaire (``qp_kind``: how the template shows it)."""
    Kind = question.Kind
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    if question.kind == Kind.FREE_TEXT:
        field = forms.CharField(
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": "Votre réponse dépasse 1000 caractères."},
            **common,
        )
    elif question.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        multiple = question.kind == Kind.MULTIPLE_CHOICE
        field = (forms.MultipleChoiceField if multiple else forms.ChoiceField)(
            choices=[(option.code, option.label) for option in question.options.all()],
            widget=forms.CheckboxSelectMultiple if multiple else forms.RadioSelect,
            error_messages={"invalid_choice": "Choisissez parmi les réponses proposées."},
            **common,
        )
    else:
        field = forms.ChoiceField(
            choices=yes_no_choices() if question.is_yes_no else scale_choices(),
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": "Répondez par « Oui » ou par « Non »."
                if question.is_yes_no
                else "Choisissez une réponse de la liste."
            },
            **common,
        )
    field.qp_kind = question.kind
    return field


def _free_texts(questions):
    return [question for question in questions if question.kind == Question.Kind.FREE_TEXT]


def _quoted(questions):
    texts = [f"« {question.text} »" for question in questions]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} et {texts[-1]}"


def consent_label(questions):
    """The consent to the use of what the person writes: the comment and, in a version with free-text questions,
    their answers to these questions (used, like the comment, only with this consent)."""
    free = _free_texts(questions)
    if not free:
        return (
            "J’accepte que mon commentaire soit lu par la préfecture et, s’il est retenu, publié sans mon nom avec "
            "les résultats de l’enquête."
        )
    answers = "ma réponse à la question" if len(free) == 1 else "mes réponses aux questions"
    return (
        f"J’accepte que mon commentaire et {answers} {_quoted(free)} soient lus par la préfecture et, s’ils sont "
        "retenus, publiés sans mon nom avec les résultats de l’enquête."
    )


def consent_hint(questions):
    free = _free_texts(questions)
    if not free:
        return "Nécessaire seulement si vous écrivez un commentaire."
    written = "une réponse à cette question" if len(free) == 1 else "une réponse à ces questions"
    return f"Nécessaire seulement si vous écrivez un commentaire ou {written}."


class AnswerForm(QualiprefForm):
    """The public questionnaire: one radio group per question (4 to 1, « sans avis »; « Oui » / « Non » for a closed
    question), none required; a comment
    whose use needs consent; ``website`` is a honeypot hidden from people and screen readers."""

    honeypot_message = (
        "Votre réponse n’a pas pu être enregistrée : elle ressemble à un envoi automatique. "
        "Si vous n’êtes pas un robot, rechargez la page et recommencez."
    )

    def __init__(self, *args, campaign, site, questions, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.is_spam = False
        self.questions = list(questions)
        if services:
            self.fields["service"] = forms.ModelChoiceField(
                label="Le service qui vous a reçu(e) (facultatif)",
                queryset=Service.objects.filter(pk__in=[service.pk for service in services]),
                required=False,
                empty_label="— Je ne sais pas —",
                error_messages={"invalid_choice": "Choisissez un service de la liste."},
            )
        for question in self.questions:
            self.fields[f"q_{question.code}"] = answer_field(question)
        self.fields["comment"] = forms.CharField(
            label="Votre commentaire (facultatif)",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="N’indiquez ni nom, ni numéro de dossier, ni donnée personnelle.",
            error_messages={"max_length": "Votre commentaire dépasse 2000 caractères."},
        )
        self.fields["comment_consent"] = forms.BooleanField(
            label=consent_label(self.questions), help_text=consent_hint(self.questions), required=False
        )
        self.fields["website"] = forms.CharField(label="Site web (ne pas remplir)", required=False)
        self.fields["submission_key"] = forms.UUIDField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def question_fields(self):
        return [self[f"q_{question.code}"] for question in self.questions]

    def clean(self):
        cleaned = super().clean()
        if (self.data.get("website") or "").strip():
            self.is_spam = True
            raise forms.ValidationError(self.honeypot_message)
        return cleaned

    def answers(self):
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.code}")
            if not question.is_rated:
                if value:
                    answers[question.code] = value
            elif value == NO_OPINION:
                answers[question.code] = None
            elif value in (YES, NO):
                answers[question.code] = value == YES
            elif value:
                answers[question.code] = int(value)
        return answers


ENTRY_HINTS = {
    Question.Kind.SCALE: "1 à 4",
    Question.Kind.YES_NO: "O ou N (oui, non)",
    Question.Kind.FREE_TEXT: "texte (avec l’accord)",
}


def entry_hint(question):
    """What a cell of the paper grid takes: « 1 à 4 », « O ou N », the numbers of a choice's options, a text."""
    if question.has_options:
        several = " ; plusieurs : « 1 3 »" if question.kind == Question.Kind.MULTIPLE_CHOICE else ""
        return f"{question.numbered_options()}{several}"
    return ENTRY_HINTS[question.kind]


class EntryForm(QualiprefForm):
    """One paper questionnaire on the keyboard-only grid: 1 to 4 (O or N for a closed question), S for « sans avis »,
    empty for no answer; the number of the chosen option (several for a multiple choice) and the text of a free-text
    question of the prefecture's version."""

    def __init__(self, *args, campaign, sites, services, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.fields["site"] = forms.ModelChoiceField(
            label="Site",
            queryset=Site.objects.filter(pk__in=[site.pk for site in sites]).order_by("name"),
            empty_label=None,
            error_messages={"invalid_choice": "Choisissez un site de la campagne."},
        )
        if services:
            self.fields["service"] = forms.ModelChoiceField(
                label="Service",
                queryset=Service.objects.filter(pk__in=[service.pk for service in services]).select_related("site"),
                required=False,
                empty_label="—",
            )
            self.fields["service"].label_from_instance = lambda obj: f"{obj.site.name} – {obj.name}"
        # A partial or malformed date reaches the server empty: say so rather than « obligatoire ».
        self.fields["answered_on"] = forms.DateField(
            label="Date",
            widget=date_input(),
            error_messages={
                "required": "Indiquez la date du questionnaire en entier (JJ/MM/AAAA) : une date incomplète ou "
                "invalide n’est pas lue.",
            },
        )
        for question in self.questions:
            free = question.kind == Question.Kind.FREE_TEXT
            field = forms.CharField(
                label=question.label,
                required=False,
                max_length=1000 if free else 200,
                error_messages={"max_length": "%(limit_value)d caractères au plus (il y en a %(show_value)d)."},
            )
            # The template shows what the cell takes; static/surveys/entry.js moves on after a valid answer.
            field.answers_kind = question.kind
            field.answers_hint = entry_hint(question)
            field.options_count = len(question.options.all()) if question.has_options else 0
            self.fields[f"q_{question.code}"] = field
        self.has_choices = any(question.has_options for question in self.questions)
        self.has_free_text = any(question.kind == Question.Kind.FREE_TEXT for question in self.questions)
        self.fields["comment"] = forms.CharField(label="Commentaire", required=False, max_length=2000)
        self.fields["comment_consent"] = forms.BooleanField(
            label="Accord (commentaire et réponses écrites)" if self.has_free_text else "Accord pour le commentaire",
            required=False,
        )
        self.fields["submission_key"] = forms.UUIDField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def question_fields(self):
        return [self[f"q_{question.code}"] for question in self.questions]


class ImportForm(QualiprefForm):
    file = forms.FileField(
        label="Fichier CSV",
        help_text="Une ligne par questionnaire ; séparateur « ; » ou « , » ; UTF-8 ou Windows-1252.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(label="Vérifier seulement (rien n’est enregistré)", required=False)


class AggregatedForm(QualiprefForm):
    """The rates of a site (or one of its services) in a past campaign, one field per dimension."""

    def __init__(self, *args, sites, services, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.fields["site"] = forms.ModelChoiceField(
            label="Site", queryset=Site.objects.filter(pk__in=[s.pk for s in sites]).order_by("name"), empty_label=None
        )
        self.fields["service"] = forms.ModelChoiceField(
            label="Service (facultatif)",
            queryset=Service.objects.filter(pk__in=[s.pk for s in services]).select_related("site"),
            required=False,
            empty_label="— Tout le site —",
        )
        self.fields["service"].label_from_instance = lambda obj: f"{obj.site.name} – {obj.name}"
        self.fields["answers"] = forms.IntegerField(label="Nombre de réponses (si connu)", required=False, min_value=1)
        for question in self.questions:
            self.fields[f"rate_{question.code}"] = forms.CharField(
                label=f"{question.label} (%)",
                required=False,
                max_length=10,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
            )

    def rates(self):
        return {question.code: self.cleaned_data.get(f"rate_{question.code}") for question in self.questions}


class HighlightForm(QualiprefForm):
    text = forms.CharField(label="Texte", max_length=300)


class HighlightAddForm(QualiprefForm):
    kind = forms.ChoiceField(label="Nature", choices=Highlight.Kind.choices)
    text = forms.CharField(label="Texte", max_length=300)


CampaignActionForm = NewActionForm  # the action proposed by a dimension below target


# --- questionnaire versions of a prefecture ---------------------------------------------------------------------


class VersionForm(QualiprefForm):
    """A new local version: the prefecture (hidden when the manager has one), the version it starts from (the
    latest national versions, or one of the prefecture's: « créer une nouvelle version »), a title."""

    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)
    based_on = QuestionnaireChoice(
        label="À partir de",
        queryset=Questionnaire.objects.none(),
        empty_label=None,
        help_text="Les questions de cette version sont reprises ; les sept questions de la comparaison nationale "
        "restent dans le questionnaire des usagers.",
    )
    title = forms.CharField(label="Titre (facultatif)", max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        prefecture_ids = [prefecture.pk for prefecture in _offer_campaign_prefectures(self, actor)]
        latest = Questionnaire.objects.latest_versions().values("pk")
        self.fields["based_on"].queryset = Questionnaire.objects.filter(
            Q(pk__in=latest) | Q(prefecture_id__in=prefecture_ids)
        ).order_by("prefecture_id", "code", "-pk")


class LocalQuestionForm(QualiprefForm):
    """A local question: its code, its short label, the question asked, the kind of answer and, for a choice, its
    options (one per line)."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="Stable d’une version à l’autre, en minuscules sans accents : parking, motif_venue…",
    )
    label = forms.CharField(label="Intitulé court (résultats)", max_length=120)
    text = forms.CharField(label="Question posée", max_length=300)
    kind = forms.ChoiceField(label="Nature de la réponse", choices=Question.Kind.choices, initial="yes_no")
    options = forms.CharField(
        label="Options (une par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour une question à choix unique ou multiple : au moins deux options.",
    )
    help_text = forms.CharField(label="Aide (facultatif)", max_length=300, required=False)

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["options"] = [line.strip() for line in data["options"].splitlines() if line.strip()]
        return data
