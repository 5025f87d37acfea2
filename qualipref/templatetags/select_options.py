"""``{% select_options widget.optgroups %}``: the <option>s (and <optgroup>s) of a select written in Python, with the
markup of Django's select.html and select_option.html (tests/test_select_widget.py compares them byte for byte).
A template per option cost a list page's filters (a few hundred options) a quarter of its rendering time."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


def _attrs(attrs):
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.simple_tag
def select_options(optgroups):
    parts = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
