"""The strictness of tests/strict_templates.py: what fails, what stays Django's legit way to say "may be absent"."""

import pytest
from _pytest.outcomes import Failed
from django.template import Context, Template


class _NoReport:
    """A missing one-to-one: Django silences the lookup's ObjectDoesNotExist."""

    @property
    def report(self):
        from django.core.exceptions import ObjectDoesNotExist

        raise ObjectDoesNotExist


def render(text, **context):
    return Template(text).render(Context(context))


@pytest.mark.parametrize(
    "text",
    [
        "{{ missing }}",
        "{{ audit.missing }}",
        '{{ missing|date:"d/m/Y" }}',
        "{{ missing|length }}",
        "{% with a=missing %}{% endwith %}",
        '{% url "healthz" missing %}',
        "{% load i18n %}{% blocktranslate %}{{ missing }}{% endblocktranslate %}",
        "{{ audit.report }}",
    ],
)
def test_an_unknown_variable_fails_the_test(text):
    with pytest.raises(Failed, match="Variable de gabarit inconnue|Valeur absente"):
        render(text, audit=_NoReport())


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{% if missing %}oui{% else %}non{% endif %}", "non"),
        ("{% if audit.report %}oui{% else %}non{% endif %}", "non"),
        ("{% for x in missing %}x{% empty %}vide{% endfor %}", "vide"),
        ('{{ missing|default:"—" }}', "—"),
        ('{{ audit.report|default:"—" }}', "—"),
        ('{% firstof missing "premier" %}', "premier"),
    ],
)
def test_the_ways_to_say_may_be_absent_behave_as_in_production(text, shown):
    assert render(text, audit=_NoReport()) == shown


def test_the_failure_names_the_variable_the_template_and_the_line():
    with pytest.raises(Failed, match=r"« missing » dans .*, ligne 2"):
        render("ligne 1\n{{ missing }}")


@pytest.mark.allow_unknown_template_variables
def test_a_test_may_allow_unknown_variables_explicitly():
    assert render("[{{ missing }}][{{ audit.report }}]", audit=_NoReport()) == "[][]"
