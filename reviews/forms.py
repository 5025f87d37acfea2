from django import forms
from django.utils import timezone

from accounts import access
from qualipref.lib.forms import QualiprefForm
from reviews.models import FIRST_YEAR, NARRATIVE_MAX_LENGTH, SECTIONS, YearlyReview
from sites.models import Department, Prefecture


class ReviewCreateForm(QualiprefForm):
    """« Rédiger le bilan »: the prefecture (when the actor writes several) and the year; a national administrator
    chooses first its scope: a prefecture, a region or the whole country."""

    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if access.can_write_wider_reviews(actor):
            self._wider_fields()
        today = timezone.localdate()
        self.fields["year"] = forms.IntegerField(
            label="Année",
            min_value=FIRST_YEAR,
            max_value=today.year,
            initial=today.year - 1,
            help_text=f"De {FIRST_YEAR} à {today.year} : le bilan d’une année se rédige à partir de ses registres.",
        )
        self.fields["prefecture"].queryset = access.writable_review_prefectures(
            Prefecture.objects.select_related("department").order_by("department_id"), actor
        )
        self.order_fields(["scope", "prefecture", "region", "year"])

    def _wider_fields(self):
        self.fields["scope"] = forms.ChoiceField(
            label="Périmètre du bilan",
            choices=YearlyReview.Scope.choices,
            initial=YearlyReview.Scope.PREFECTURE,
            widget=forms.RadioSelect,
            help_text="Le bilan d’une région ou de la France entière additionne et compare ses préfectures.",
        )
        self.fields["prefecture"].required = False
        self.fields["prefecture"].help_text = "Pour le bilan d’une préfecture."
        regions = Department.objects.order_by("region").values_list("region", flat=True).distinct()
        self.fields["region"] = forms.ChoiceField(
            label="Région",
            choices=[("", "Choisir une région")] + [(region, region) for region in regions],
            required=False,
            help_text="Pour le bilan d’une région.",
        )

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope", YearlyReview.Scope.PREFECTURE)
        if scope != YearlyReview.Scope.PREFECTURE:
            cleaned["prefecture"] = None
        elif not cleaned.get("prefecture") and "prefecture" not in self.errors:
            self.add_error("prefecture", "Choisissez la préfecture du bilan.")
        if scope == YearlyReview.Scope.REGION and not cleaned.get("region"):
            self.add_error("region", "Choisissez la région du bilan.")
        elif scope != YearlyReview.Scope.REGION:
            cleaned["region"] = ""
        return cleaned


TITLES = dict(SECTIONS)


class NarrativeForm(QualiprefForm):
    """The narrative of one section (its field ``text``; the section's key in the URL)."""

    text = forms.CharField(
        label="Texte de la partie",
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Ce que les chiffres ne disent pas : faits marquants, analyse, suites données. Il figure en tête de "
        "la partie dans le PDF publié.",
    )

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, prefix=section, **kwargs)
        self.fields["text"].label = f"Texte de la partie « {TITLES[section]} »"
        # DsfrBaseForm's __init__ has already bound the fields (their labels read): bound again with this label.
        self._bound_fields_cache.pop("text", None)
