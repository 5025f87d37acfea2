"""Under tests, a template that reads a variable its context lacks fails the test (les-emplois does the same with
pytest-django's --fail-on-template-vars, adapted as here).

Django renders an unknown variable as TEMPLATES' `string_if_invalid` (""): a typo or a variable a view forgot
shows as nothing. Under tests `string_if_invalid` is an `UnknownVariable`:
- `{{ missing }}`, `{{ missing|filter }}`, `{% url "x" missing %}`, `{% with a=missing %}`: the test fails, naming
  the variable, the template and the line;
- `{% if missing %}`, `{% for x in missing %}`, `{% firstof %}` and `{{ missing|default:"…" }}` are Django's ways
  to say "may be absent": they behave as in production (absent = false, the default is shown);
- a lookup Django silences (a missing one-to-one or reverse relation, a method that needs arguments) is false
  in `{% if %}` and takes `|default` as in production, and fails the test if it is displayed.

pytest-django's own --fail-on-template-vars is not used: its object is true (`{% if audit.report %}` with no
report would be true under tests and false in production) and fails on `|default`.
A test that renders a third-party template reading unknown variables says so with
`@pytest.mark.allow_unknown_template_variables`.
"""

import sys

import pytest
from django.template import defaultfilters
from django.template.base import FilterExpression

# Filters that declare the variable optional: `{{ x|default:"—" }}` shows "—" when x is absent.
OPTIONAL_FILTERS = {defaultfilters.default}


def _rendering_at():
    """The template and line of the innermost node being rendered."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "render_annotated":
            node = frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            token = getattr(node, "token", None)
            if origin is not None:
                line = f", ligne {token.lineno}" if token is not None else ""
                return f" dans {origin.template_name or origin.name}{line}"
        frame = frame.f_back
    return ""


class UnknownVariable(str):
    """TEMPLATES' `string_if_invalid` under tests (see the module's docstring). An empty string to Django's system
    check (templates.E002), which management commands run in tests."""

    fail = True

    def __bool__(self):
        # Django asks `if string_if_invalid:` in FilterExpression.resolve right after a lookup failed, outside
        # `{% if %}`/`{% for %}`: true makes it call `string_if_invalid % variable`, which fails the test. An
        # expression with `|default` gets false, so the filter receives a false value and shows its default.
        caller = sys._getframe(1)
        if caller.f_code is FilterExpression.resolve.__code__:
            expression = caller.f_locals["self"]
            return self.fail and not any(func in OPTIONAL_FILTERS for func, _args in expression.filters)
        return False

    def __contains__(self, text):
        return text == "%s"

    def __mod__(self, variable):
        if not self.fail:
            return ""
        pytest.fail(f"Variable de gabarit inconnue « {variable} »{_rendering_at()}", pytrace=False)

    def __str__(self):
        if not self.fail:
            return ""
        pytest.fail(
            f"Valeur absente affichée par un gabarit (relation inexistante, méthode à arguments){_rendering_at()}",
            pytrace=False,
        )

    def __repr__(self):
        return "<UnknownVariable>"


@pytest.fixture(autouse=True, scope="session")
def _unknown_template_variables_fail():
    from django.conf import settings
    from django.test import override_settings

    templates = [{**engine, "OPTIONS": {**engine.get("OPTIONS", {})}} for engine in settings.TEMPLATES]
    unknown = UnknownVariable()
    for engine in templates:
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates":
            engine["OPTIONS"]["string_if_invalid"] = unknown
    # override_settings resets Django's template engines, so the new option applies even if one was built already.
    with override_settings(TEMPLATES=templates):
        yield unknown


@pytest.fixture(autouse=True)
def _allow_unknown_template_variables(request, _unknown_template_variables_fail):
    if request.node.get_closest_marker("allow_unknown_template_variables") is None:
        yield
        return
    _unknown_template_variables_fail.fail = False
    yield
    _unknown_template_variables_fail.fail = True
