"""Pitfalls of the DSFR that no linter sees, checked over every template."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
BUTTON_GROUP = re.compile(r'<ul class="(fr-btns-group[^"]*)"(.*?)</ul>', re.S)
ICON_AND_TEXT_BUTTON = re.compile(r'class="fr-btn[^"]*\bfr-btn--icon-(?:left|right)\b')


def test_button_groups_holding_buttons_with_icon_and_text_say_so():
    # In a .fr-btns-group without --icon-left/right, the DSFR shows such a button as an icon alone: its text is gone.
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in BUTTON_GROUP.finditer(text):
            classes, body = match.groups()
            if "fr-btns-group--icon-" not in classes and ICON_AND_TEXT_BUTTON.search(body):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not offenders, f"Groupes de boutons sans fr-btns-group--icon-left : {offenders}"
