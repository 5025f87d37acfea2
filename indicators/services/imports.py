"""Imports of the exports of the telephony, the queue-management system and the title-processing application, and
of Qualipref's own model file: each file row becomes one or more measurements.

Every row is read and checked before anything is written; one error anywhere and nothing is imported (the report
names each faulty line). Importing the same file again leaves every measurement unchanged.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from indicators.services.batches import BatchRejected, Item, Report, ReportLine, measurements_batch
from indicators.services.measurements import parse_count
from indicators.tabular import Column, ImportReport, check_upload, normalise, open_reader

SITE = Column("site", "Site", required=True, aliases=("site d'accueil", "nom du site", "identifiant du site"))
PERIOD = Column("period", "Mois", required=True, aliases=("période", "month", "mois (AAAA-MM)"))


@dataclass(frozen=True)
class Row:
    line: int
    values: dict

    def get(self, key):
        return self.values.get(key, "")


def read_rows(file, *, columns):
    """([Row], Report) of an uploaded CSV or XLSX file: the rows that could be read, and a report holding the
    errors of the file (unreadable, columns missing: BatchRejected at once) and of the rows the reader refused."""
    try:
        check_upload(file)
    except ValidationError as error:
        raise BatchRejected(Report(errors=error.messages)) from None
    errors = ImportReport()
    with open_reader(file, columns=columns, report=errors) as reader:
        rows = [Row(line, values) for line, values in reader.rows()]
    report = Report()
    for error in errors.errors:
        message = f"{error.field} : {error.message}" if error.field and error.line > 1 else error.message
        if error.line <= 1 or not reader.header_ok:
            report.errors.append(f"ligne {error.line} : {message}" if error.line else message)
        else:
            report.lines.append(ReportLine(line=error.line, outcome="error", errors=[message]))
    if report.errors:
        raise BatchRejected(report)
    if not rows and not report.lines:
        report.errors.append("Le fichier ne contient aucune ligne de données sous la ligne des noms de colonnes.")
        raise BatchRejected(report)
    return rows, report


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    description: str
    columns: tuple
    to_items: object  # function(row) -> [Item], raising ValidationError with French messages

    @property
    def headers(self):
        return [column.label for column in self.columns]

    @property
    def example(self):
        return EXAMPLES[self.key]


def _count(row, column, *, required=True):
    raw = row.get(column.name)
    if not raw:
        if required:
            raise ValidationError(f"« {column.label} » est vide.")
        return None
    try:
        return parse_count(raw, what=f"« {column.label} »")
    except ValidationError as error:
        raise ValidationError(error.messages) from None


def _not_above(row, part, whole, values):
    if values[part.name] is not None and values[whole.name] is not None and values[part.name] > values[whole.name]:
        raise ValidationError(
            f"« {part.label} » ({values[part.name]}) dépasse « {whole.label} » ({values[whole.name]})."
        )


def _collect(row, checks):
    """Run every check of a row and raise all their messages at once."""
    errors, values = [], {}
    for key, check in checks:
        try:
            values[key] = check()
        except ValidationError as error:
            errors.extend(error.messages)
            values[key] = None
    if errors:
        raise ValidationError(errors)
    return values


# --- telephony --------------------------------------------------------------------------------------------------

RECEIVED = Column("received", "Appels reçus", required=True, aliases=("appels entrants", "appels présentés"))
ANSWERED = Column("answered", "Appels décrochés", required=True, aliases=("appels traités", "appels répondus"))
LOST = Column("lost", "Appels perdus", required=True, aliases=("appels abandonnés",))
WITHIN_5 = Column(
    "within_5", "Décrochés en moins de 5 sonneries", aliases=("moins de 5 sonneries", "décrochés avant 5 sonneries")
)
MEAN_RINGS = Column(
    "mean_rings", "Sonneries avant décroché", aliases=("nombre moyen de sonneries", "sonneries moyennes")
)


def _telephony(row):
    values = _collect(
        row,
        [
            (RECEIVED.name, lambda: _count(row, RECEIVED)),
            (ANSWERED.name, lambda: _count(row, ANSWERED)),
            (LOST.name, lambda: _count(row, LOST)),
            (WITHIN_5.name, lambda: _count(row, WITHIN_5, required=False)),
        ],
    )
    _collect(
        row,
        [
            ("answered", lambda: _not_above(row, ANSWERED, RECEIVED, values)),
            ("lost", lambda: _not_above(row, LOST, RECEIVED, values)),
            ("within", lambda: _not_above(row, WITHIN_5, ANSWERED, values)),
        ],
    )
    if values["received"] == 0:
        raise ValidationError("« Appels reçus » vaut 0 : sans appel, il n'y a pas de taux à mesurer.")
    common = {"line": row.line, "site": row.get("site"), "period": row.get("period")}
    items = [
        Item(indicator="lost_calls_rate", numerator=values["lost"], denominator=values["received"], **common),
        Item(indicator="pickup_rate", numerator=values["answered"], denominator=values["received"], **common),
    ]
    if values["within_5"] is not None and values["answered"]:
        items.append(
            Item(
                indicator="pickup_within_5_rings",
                numerator=values["within_5"],
                denominator=values["answered"],
                **common,
            )
        )
    if row.get("mean_rings") and values["answered"]:
        items.append(
            Item(indicator="pickup_mean_rings", value=row.get("mean_rings"), denominator=values["answered"], **common)
        )
    return items


# --- queue management (monthly summary) --------------------------------------------------------------------------

VISITORS = Column("visitors", "Visiteurs", required=True, aliases=("tickets", "tickets émis", "nombre de visiteurs"))
WAITING = Column(
    "waiting", "Attente moyenne (minutes)", aliases=("attente moyenne", "temps d'attente moyen", "attente")
)


def _queue(row):
    values = _collect(row, [(VISITORS.name, lambda: _count(row, VISITORS))])
    common = {"line": row.line, "site": row.get("site"), "period": row.get("period")}
    items = [Item(indicator="counter_visitors", value=values["visitors"], **common)]
    if row.get("waiting"):
        if not values["visitors"]:
            raise ValidationError("« Visiteurs » vaut 0 : une attente moyenne sans visiteur n'a pas de sens.")
        items.append(
            Item(
                indicator="counter_waiting_minutes", value=row.get("waiting"), denominator=values["visitors"], **common
            )
        )
    return items


# --- title processing ---------------------------------------------------------------------------------------------

TITLE = Column("title", "Titre", required=True, aliases=("type de titre", "nature du titre"))
TITLES_COUNT = Column("count", "Titres délivrés", aliases=("dossiers", "nombre de titres", "dossiers traités"))
DELAY = Column("delay", "Délai moyen (jours)", required=True, aliases=("délai moyen", "délai de traitement", "délai"))
TITLE_INDICATORS = {
    "cni": "id_card_delay_days",
    "cartedidentite": "id_card_delay_days",
    "cartenationaledidentite": "id_card_delay_days",
    "passeport": "passport_delay_days",
    "passeports": "passport_delay_days",
    "permis": "driving_licence_delay_days",
    "permisdeconduire": "driving_licence_delay_days",
}


def _titles(row):
    indicator = TITLE_INDICATORS.get(normalise(row.get("title")).replace(" ", ""))
    values = _collect(row, [(TITLES_COUNT.name, lambda: _count(row, TITLES_COUNT, required=False))])
    if indicator is None:
        raise ValidationError(f"Titre « {row.get('title')} » inconnu (attendu : CNI, passeport ou permis).")
    if not row.get("delay"):
        raise ValidationError(f"« {DELAY.label} » est vide.")
    return [
        Item(
            line=row.line,
            indicator=indicator,
            site=row.get("site"),
            period=row.get("period"),
            value=row.get("delay"),
            denominator=values["count"] or None,
        )
    ]


# --- Qualipref's model file: any entered or imported indicator --------------------------------------------------

INDICATOR = Column("indicator", "Indicateur", required=True, aliases=("code", "code de l'indicateur"))
OPTIONAL_SITE = Column("site", "Site", aliases=SITE.aliases)
PREFECTURE = Column("prefecture", "Préfecture", aliases=("département", "code du département"))
VALUE = Column("value", "Valeur", aliases=("valeur mesurée",))
NUMERATOR = Column("numerator", "Numérateur")
DENOMINATOR = Column("denominator", "Dénominateur", aliases=("effectif",))
NOTE = Column("note", "Commentaire", aliases=("note", "remarque"))


def _generic(row):
    return [
        Item(
            line=row.line,
            indicator=row.get("indicator"),
            site=row.get("site"),
            prefecture=row.get("prefecture"),
            period=row.get("period"),
            value=row.get("value") or None,
            numerator=row.get("numerator") or None,
            denominator=row.get("denominator") or None,
            note=row.get("note"),
        )
    ]


FORMATS = {
    fmt.key: fmt
    for fmt in (
        Format(
            "telephony",
            "Téléphonie (bilan mensuel du standard)",
            "Une ligne par site et par mois : appels reçus, décrochés, perdus et, si l'export les donne, décrochés en "
            "moins de 5 sonneries et nombre moyen de sonneries. Donne le taux d'appels perdus, le taux de décroché, "
            "la part décrochée en moins de 5 sonneries et les sonneries avant décroché.",
            (SITE, PERIOD, RECEIVED, ANSWERED, LOST, WITHIN_5, MEAN_RINGS),
            _telephony,
        ),
        Format(
            "queue",
            "Gestionnaire de file d'attente (bilan mensuel)",
            "Une ligne par site et par mois : visiteurs (tickets émis) et attente moyenne en minutes. Donne le temps "
            "d'attente moyen au guichet et le nombre de visiteurs. Les tranches horaires (heures d'affluence) "
            "s'importent à part.",
            (SITE, PERIOD, VISITORS, WAITING),
            _queue,
        ),
        Format(
            "titles",
            "Délivrance des titres (délais de traitement)",
            "Une ligne par site, mois et titre (CNI, passeport, permis) : titres délivrés et délai moyen de "
            "traitement en jours.",
            (SITE, PERIOD, TITLE, TITLES_COUNT, DELAY),
            _titles,
        ),
        Format(
            "measurements",
            "Mesures (modèle Qualipref)",
            "Une ligne par mesure : code de l'indicateur, site (ou préfecture pour les indicateurs de toute la "
            "préfecture), mois, valeur ou numérateur et dénominateur, commentaire.",
            (INDICATOR, OPTIONAL_SITE, PREFECTURE, PERIOD, VALUE, NUMERATOR, DENOMINATOR, NOTE),
            _generic,
        ),
    )
}

EXAMPLES = {
    "telephony": [["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", "1030", "3,4"]],
    "queue": [["Sous-préfecture d'Arles", "2026-03", "4210", "18,5"]],
    "titles": [
        ["Sous-préfecture d'Arles", "2026-03", "CNI", "640", "8,5"],
        ["Sous-préfecture d'Arles", "2026-03", "Passeport", "410", "12"],
    ],
    "measurements": [
        ["peak_hours_displayed_rate", "Sous-préfecture d'Arles", "", "2026-03", "100", "", "", ""],
        ["peak_hours_displayed_rate", "Sous-préfecture d'Istres", "", "2026-03", "50", "", "", "Affichage retiré"],
    ],
}


def import_file(*, by, file, format_key, today=None) -> Report:
    """Import an uploaded export (CSV or XLSX) of the format ``format_key``; BatchRejected (with the report) when
    the file or any of its rows is wrong: nothing is written then."""
    fmt = FORMATS.get(format_key)
    if fmt is None:
        raise ValidationError({"format": f"Format d'import inconnu : « {format_key} »."})
    rows, report = read_rows(file, columns=fmt.columns)
    items = []
    for row in rows:
        try:
            items.extend(fmt.to_items(row))
        except ValidationError as error:
            report.lines.append(ReportLine(line=row.line, outcome="error", errors=error.messages))
    return measurements_batch(by=by, items=items, today=today, rejected=report.lines)
