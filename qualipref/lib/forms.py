"""The base of every form of the project (DSFR rendering) and its shared widgets."""

from django import forms
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

# One renderer for every form of the process: DsfrBaseForm.default_renderer is the class, so each form made its own,
# with its own template engine (every app's template tag libraries imported again, every field template compiled
# again): on a list page, more than the filter form's fields took to render.
DSFR_RENDERER = DsfrDjangoTemplates()


class QualiprefForm(DsfrBaseForm):
    """DSFR rendering, required fields marked with an asterisk (django-dsfr's current default)."""

    default_renderer = DSFR_RENDERER

    def get_context(self):
        # DsfrBaseForm.get_context warns about a transitional setting on every render; we keep its default.
        context = forms.Form.get_context(self)
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", False)
        return context


class PeriodForm(QualiprefForm):
    """A form with a first and a last day: ``period`` = (first field, last field, message when the last one comes
    before the first one, put on the last field)."""

    period = ("start_on", "end_on", "La date de fin doit être postérieure ou égale à la date de début.")

    def clean(self):
        cleaned = super().clean()
        first, last, message = self.period
        if cleaned.get(first) and cleaned.get(last) and cleaned[last] < cleaned[first]:
            self.add_error(last, message)
        return cleaned


def offer_choices(field, queryset):
    """Offer ``queryset`` in the model choice ``field`` (the prefectures the actor may choose, say): a single choice
    is chosen and hidden. Returns the choices, read once (a list)."""
    field.queryset = queryset
    choices = list(field.queryset)
    if len(choices) == 1:
        field.initial = choices[0].pk
        field.widget = forms.HiddenInput()
    return choices


def date_input():
    """A native date picker (DSFR styles it); values shown JJ/MM/AAAA by the browser in French."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input():
    """A native date and time picker (« JJ/MM/AAAA HH:MM » in French browsers), read in the project's time zone."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


INLINE_OPTIONS_SELECT = "qualipref/widgets/select.html"


def install_inline_select_options():
    """Every <select> writes its options in Python (qualipref/templates/qualipref/widgets/select.html and its
    select_options tag, Django's markup byte for byte) instead of two {% include %}s per option: on the action
    list's filters (about 280 options) those were a quarter of the page's rendering time. Idempotent."""
    forms.Select.template_name = INLINE_OPTIONS_SELECT
