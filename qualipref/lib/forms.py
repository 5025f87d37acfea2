"""The base of every form of the project (DSFR rendering) and its shared widgets."""

from django import forms
from dsfr.forms import DsfrBaseForm


class QualiprefForm(DsfrBaseForm):
    """DSFR rendering, required fields marked with an asterisk (django-dsfr's current default)."""

    def get_context(self):
        # DsfrBaseForm.get_context warns about a transitional setting on every render; we keep its default.
        context = forms.Form.get_context(self)
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", False)
        return context


def date_input():
    """A native date picker (DSFR styles it); values shown JJ/MM/AAAA by the browser in French."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
