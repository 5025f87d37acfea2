"""Every <select> renders its options in Python (qualipref.lib.forms.install_inline_select_options, the
select_options tag): the markup stays Django's own, byte for byte, for every kind of option a form of the project
has."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrDjangoTemplates

from qualipref.lib.forms import INLINE_OPTIONS_SELECT

DJANGO_SELECT = "django/forms/widgets/select.html"

CHOICES = [
    ("", "— Tous —"),
    ("a", "Accueil & <orientation>"),
    ("Courriers", [("b", "Lettre « simple »"), ("c", 'Courriel "urgent"')]),
    (3, "Trois"),
    ("d", gettext_lazy("Réponse")),
    ("e", mark_safe("<b>déjà</b> sûr")),  # noqa: S308 - a label marked safe is written as it is
]

WIDGETS = [
    (forms.Select(choices=CHOICES, attrs={"class": "fr-select", "id": "id_x"}), "a"),
    (forms.Select(choices=CHOICES), 3),
    (forms.Select(choices=CHOICES, attrs={"disabled": True, "data-qp": "1"}), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "c"]),
    (forms.NullBooleanSelect(), True),
]


@pytest.mark.parametrize("renderer", [DjangoTemplates(), DsfrDjangoTemplates()], ids=["django", "dsfr"])
@pytest.mark.parametrize(
    ("widget", "value"), WIDGETS, ids=[type(w).__name__ + str(i) for i, (w, _) in enumerate(WIDGETS)]
)
def test_a_select_renders_the_markup_of_djangos_own_template(widget, value, renderer):
    assert widget.template_name == INLINE_OPTIONS_SELECT
    ours = widget.render("field", value, renderer=renderer)
    widget.template_name = DJANGO_SELECT
    try:
        django = widget.render("field", value, renderer=renderer)
    finally:
        widget.template_name = INLINE_OPTIONS_SELECT
    assert ours == django
    assert "<option" in ours
