"""The project's French date formats, next to Django's own (django/conf/locale/fr/formats.py).

Templates and Python name a format instead of spelling it: ``|date:"SHORT_DATE_FORMAT"`` (Django: d/m/Y),
``|date:"SHORT_DATETIME_FORMAT"`` (Django: d/m/Y H:i), and the one below that Django's locale lacks.
Read through settings.FORMAT_MODULE_PATH; the names not defined here come from Django's French locale.
"""

# « le 06/12/2026 à 14:30 »
SHORT_DATE_AT_TIME_FORMAT = "d/m/Y à H:i"
