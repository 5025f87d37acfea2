from django import forms
from django.utils import timezone

from accounts import access
from qualipref.lib.forms import QualiprefForm
from reviews.models import FIRST_YEAR, NARRATIVE_MAX_LENGTH, SECTIONS
from sites.models import Prefecture


class ReviewCreateForm(QualiprefForm):
    """« Rédiger le bilan »: the prefecture (when the actor writes several) and the year."""

    prefecture = forms.ModelChoiceField(label="Préfecture", queryset=Prefecture.objects.none(), empty_label=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
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
