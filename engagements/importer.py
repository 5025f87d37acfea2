"""Import of a référentiel from its YAML file (format: engagements/referentials/README.md).

The file is validated first; every error names its line, in French. Then, in one transaction:
- same code and same version: modules and engagements are matched by code and updated in place; nothing is
  ever deleted (rows missing from the file are kept and reported);
- a new version: a new Referential with its own modules and engagements; older versions are not touched, so the
  labelling cycles that used them keep pointing at unchanged rows.
A rejected file writes nothing. The data migration 0002 holds a frozen copy of the writing part.
"""

import contextlib
import datetime
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import F

from engagements.models import Engagement, Module, Referential

SHIPPED_DIR = Path(__file__).resolve().parent / "referentials"

REFERENTIAL_KEYS = {
    "code": True,
    "name": True,
    "version": True,
    "published_on": True,
    "follow_up_months": True,
    "scope": False,
    "source": False,
    "modules": True,
}
MODULE_KEYS = {
    "number": True,
    "code": True,
    "title": True,
    "mandatory": False,
    "description": False,
    "engagements": True,
}
ENGAGEMENT_KEYS = {
    "code": True,
    "title": True,
    "text": False,
    "kind": False,
    "reconstructed": False,
    "number": False,
    "target": False,
}
TARGET_KEYS = {"indicator": True, "comparison": True, "value": True, "unit": False}

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
INDICATOR_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
MAX_VALUE = Decimal("99999999.99")  # target_value: 10 digits, 2 decimals
# Numbers are moved this far out of the way while a re-imported version is renumbered.
RENUMBER_OFFSET = 10_000


class ReferentialFileError(Exception):
    """The file is refused; ``errors`` lists French messages, each starting with its line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- reading YAML with line numbers ---------------------------------------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers its own line and the line of each of its keys (1-based)."""

    line = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key):
        return self.key_lines.get(key, self.line)


class _DuplicateKey(yaml.constructor.ConstructorError):
    pass


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with mappings that know their lines and refuse duplicate keys."""


def _construct_mapping(loader, node):
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(None, None, "clé invalide", key_node.start_mark)
        if key in mapping.key_lines:
            raise _DuplicateKey(None, None, f"clé « {key} » en double", key_node.start_mark)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        mapping[key] = loader.construct_object(value_node, deep=True)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _read_yaml(text):
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except _DuplicateKey as exc:
        raise ReferentialFileError([f"ligne {exc.problem_mark.line + 1} : {exc.problem}"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"ligne {line} : YAML mal formé : {exc.problem or exc.context}"
        if exc.problem and exc.context and exc.context_mark:
            message += f" ({exc.context}, ligne {exc.context_mark.line + 1})"
        raise ReferentialFileError([message]) from None
    except yaml.YAMLError as exc:
        raise ReferentialFileError([f"ligne 1 : YAML mal formé ({exc})"]) from None


# --- validation -----------------------------------------------------------------------------------


@dataclass
class EngagementRow:
    code: str
    line: int
    fields: dict  # model fields, without referential and module


@dataclass
class ModuleRow:
    code: str
    line: int
    fields: dict
    engagements: list


@dataclass
class ParsedReferential:
    code: str
    version: str
    fields: dict
    modules: list

    def engagements(self):
        return [engagement for module in self.modules for engagement in module.engagements]


class _Validator:
    def __init__(self):
        self.errors = []  # (line, message)

    def error(self, line, message):
        self.errors.append((line, message))

    def mapping(self, value, line, what):
        if isinstance(value, _Mapping):
            return True
        self.error(line, f"{what} doit être un dictionnaire de clés (« clé: valeur »)")
        return False

    def keys(self, mapping, schema, what):
        for key in mapping:
            if key not in schema:
                self.error(mapping.line_of(key), f"clé « {key} » inconnue pour {what} (attendu : {', '.join(schema)})")
        for key, required in schema.items():
            if required and key not in mapping:
                self.error(mapping.line, f"clé obligatoire « {key} » manquante pour {what}")

    def text(self, mapping, key, *, max_length=None, required=False, default=""):
        if key not in mapping:
            return default
        value = mapping[key]
        if value is None and not required:
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(mapping.line_of(key), f"« {key} » doit être un texte{' non vide' if required else ''}")
            return default
        value = value.strip()
        if max_length and len(value) > max_length:
            self.error(mapping.line_of(key), f"« {key} » dépasse {max_length} caractères ({len(value)})")
        return value

    def code(self, mapping, key, *, max_length):
        value = self.text(mapping, key, max_length=max_length, required=True)
        if value and not set(value) <= CODE_CHARS:
            self.error(
                mapping.line_of(key),
                f"code « {value} » invalide (majuscules, chiffres et tirets seulement, par exemple QP2-M1-E04)",
            )
        return value

    def integer(self, mapping, key, *, default=None):
        if key not in mapping:
            return default
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(mapping.line_of(key), f"« {key} » doit être un entier positif (reçu : {value!r})")
            return default
        if value >= RENUMBER_OFFSET:
            self.error(mapping.line_of(key), f"« {key} » doit être inférieur à {RENUMBER_OFFSET}")
        return value

    def boolean(self, mapping, key, *, default=False):
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            self.error(mapping.line_of(key), f"« {key} » doit valoir true ou false (reçu : {value!r})")
            return default
        return value

    def date(self, mapping, key):
        value = mapping.get(key)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(value.strip())
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if key in mapping:
            self.error(mapping.line_of(key), f"« {key} » doit être une date AAAA-MM-JJ (reçu : {value!r})")
        return None

    def choice(self, mapping, key, choices, label, *, default=None):
        if key not in mapping:
            return default
        value = mapping[key]
        if value not in choices:
            self.error(mapping.line_of(key), f"{label} « {value} » inconnue (attendu {', '.join(choices)})")
            return default
        return value

    def decimal(self, mapping, key):
        value = mapping.get(key)
        number = None
        if not isinstance(value, bool) and isinstance(value, int | float | str):
            try:
                number = Decimal(str(value).replace(",", ".").strip())
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            if key in mapping:
                self.error(mapping.line_of(key), f"« {key} » doit être un nombre (reçu : {value!r})")
            return None
        if abs(number) > MAX_VALUE or number.as_tuple().exponent < -2:
            self.error(mapping.line_of(key), f"« {key} » : au plus 8 chiffres avant la virgule et 2 après ({value})")
            return None
        return number

    def items(self, mapping, key, what):
        """A non-empty list under ``key``."""
        value = mapping.get(key)
        if key not in mapping:
            return []
        if not isinstance(value, list) or not value:
            self.error(mapping.line_of(key), f"« {key} » doit être une liste non vide de {what}")
            return []
        return value


def _item_line(items, index, parent, key):
    """Best line for the index-th item of a list (its own line when it is a mapping)."""
    item = items[index]
    return item.line if isinstance(item, _Mapping) else parent.line_of(key)


def parse(text):
    """Validate the text of a référentiel file; return a ParsedReferential or raise ReferentialFileError."""
    if not isinstance(text, str) or not text.strip():
        raise ReferentialFileError(["ligne 1 : le fichier est vide"])
    data = _read_yaml(text)
    check = _Validator()
    if not check.mapping(data, 1, "le fichier"):
        raise ReferentialFileError(_format(check.errors))
    check.keys(data, REFERENTIAL_KEYS, "le référentiel")
    referential = ParsedReferential(
        code=check.code(data, "code", max_length=Referential._meta.get_field("code").max_length),
        version=_version(check, data),
        fields={
            "name": check.text(data, "name", max_length=Referential._meta.get_field("name").max_length, required=True),
            "published_on": check.date(data, "published_on"),
            "follow_up_months": check.integer(data, "follow_up_months"),
            "scope": check.text(data, "scope"),
            "source": check.text(data, "source"),
        },
        modules=[],
    )
    module_codes, module_numbers, engagement_codes = {}, {}, {}
    modules = check.items(data, "modules", "modules")
    for index, module_data in enumerate(modules):
        line = _item_line(modules, index, data, "modules")
        if not check.mapping(module_data, line, f"le module n° {index + 1}"):
            continue
        module = _parse_module(check, module_data, engagement_codes)
        _unique(check, module_codes, module.code, module_data.line_of("code"), "code de module")
        _unique(check, module_numbers, module.fields["number"], module_data.line_of("number"), "numéro de module")
        referential.modules.append(module)
    if check.errors:
        raise ReferentialFileError(_format(check.errors))
    return referential


def _version(check, data):
    value = data.get("version")
    if isinstance(value, int | float) and not isinstance(value, bool):
        check.error(data.line_of("version"), f'« version » doit être écrite entre guillemets ("{value}")')
        return ""
    return check.text(data, "version", max_length=Referential._meta.get_field("version").max_length, required=True)


def _parse_module(check, data, engagement_codes):
    code = check.code(data, "code", max_length=Module._meta.get_field("code").max_length)
    what = f"le module {code}" if code else "le module"
    check.keys(data, MODULE_KEYS, what)
    module = ModuleRow(
        code=code,
        line=data.line,
        fields={
            "number": check.integer(data, "number"),
            "title": check.text(data, "title", max_length=Module._meta.get_field("title").max_length, required=True),
            "mandatory": check.boolean(data, "mandatory"),
            "description": check.text(data, "description"),
        },
        engagements=[],
    )
    numbers = {}
    engagements = check.items(data, "engagements", "engagements")
    for index, engagement_data in enumerate(engagements):
        line = _item_line(engagements, index, data, "engagements")
        if not check.mapping(engagement_data, line, f"l'engagement n° {index + 1} de {what}"):
            continue
        engagement = _parse_engagement(check, engagement_data, position=index + 1)
        if code and engagement.code and not engagement.code.startswith(f"{code}-"):
            check.error(
                engagement_data.line_of("code"),
                f"le code « {engagement.code} » ne commence pas par le code de son module « {code}- »",
            )
        _unique(check, engagement_codes, engagement.code, engagement_data.line_of("code"), "code d'engagement")
        number_line = engagement_data.line_of("number" if "number" in engagement_data else "code")
        _unique(check, numbers, engagement.fields["number"], number_line, f"numéro d'engagement dans {what}")
        module.engagements.append(engagement)
    return module


def _parse_engagement(check, data, *, position):
    code = check.code(data, "code", max_length=Engagement._meta.get_field("code").max_length)
    what = f"l'engagement {code}" if code else "l'engagement"
    check.keys(data, ENGAGEMENT_KEYS, what)
    fields = {
        "number": check.integer(data, "number", default=position),
        "title": check.text(data, "title", max_length=Engagement._meta.get_field("title").max_length, required=True),
        "text": check.text(data, "text"),
        "kind": check.choice(data, "kind", Engagement.Kind.values, "nature", default=Engagement.Kind.SERVICE),
        "reconstructed": check.boolean(data, "reconstructed"),
        "target_indicator": "",
        "target_comparison": "",
        "target_value": None,
        "target_unit": "",
    }
    target = data.get("target")
    if target is not None and check.mapping(target, data.line_of("target"), f"la cible de {code}"):
        check.keys(target, TARGET_KEYS, f"la cible de {code}")
        indicator = check.text(
            target, "indicator", max_length=Engagement._meta.get_field("target_indicator").max_length, required=True
        )
        if indicator and not (set(indicator) <= INDICATOR_CHARS and indicator[0].isalpha()):
            check.error(
                target.line_of("indicator"),
                f"indicateur « {indicator} » invalide (minuscules, chiffres et _, par exemple lost_calls_rate)",
            )
        fields.update(
            target_indicator=indicator,
            target_comparison=check.choice(target, "comparison", Engagement.Comparison.values, "comparaison") or "",
            target_value=check.decimal(target, "value"),
            target_unit=check.text(target, "unit", max_length=Engagement._meta.get_field("target_unit").max_length),
        )
    return EngagementRow(code=code, line=data.line, fields=fields)


def _unique(check, seen, value, line, label):
    if value in (None, ""):
        return
    if value in seen:
        check.error(line, f"{label} « {value} » en double (déjà utilisé ligne {seen[value]})")
    else:
        seen[value] = line


def _format(errors):
    return [f"ligne {line} : {message}" for line, message in sorted(errors, key=lambda error: error[0])]


# --- writing --------------------------------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s)"


@dataclass
class ImportResult:
    referential: Referential
    referential_created: bool = False
    referential_updated: bool = False
    modules: Counts = field(default_factory=Counts)
    engagements: Counts = field(default_factory=Counts)
    kept: list = field(default_factory=list)  # codes in the database but not in the file (never deleted)
    dry_run: bool = False

    @property
    def created(self):
        return int(self.referential_created) + self.modules.created + self.engagements.created

    @property
    def updated(self):
        return int(self.referential_updated) + self.modules.updated + self.engagements.updated

    def summary(self):
        if self.referential_created:
            state = "nouvelle version créée"
        elif self.referential_updated:
            state = "version existante mise à jour"
        else:
            state = "version existante"
        lines = [
            f"{self.referential.name}, version {self.referential.version} ({self.referential.code}) : {state}.",
            f"Modules : {self.modules}.",
            f"Engagements : {self.engagements}.",
        ]
        if self.kept:
            lines.append(f"Absents du fichier, conservés (jamais supprimés) : {', '.join(self.kept)}.")
        if self.dry_run:
            lines.append("Simulation (--dry-run) : rien n'a été enregistré.")
        return "\n".join(lines)


def import_file(path, *, dry_run=False):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReferentialFileError([f"ligne 1 : fichier introuvable ({path})"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferentialFileError([f"ligne 1 : fichier illisible ({exc})"]) from None
    return import_text(text, dry_run=dry_run)


def import_text(text, *, dry_run=False):
    parsed = parse(text)
    with transaction.atomic():
        result = _write(parsed)
        result.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write(parsed):
    referential, created = Referential.objects.get_or_create(
        code=parsed.code, version=parsed.version, defaults=parsed.fields
    )
    result = ImportResult(referential=referential, referential_created=created)
    if not created:
        result.referential_updated = _update(referential, parsed.fields)

    modules = {module.code: module for module in referential.modules.all()}
    _make_room(modules, {row.code: row.fields["number"] for row in parsed.modules})
    for row in parsed.modules:
        fields = {"referential_id": referential.pk, **row.fields}
        modules[row.code] = _upsert(Module, modules.get(row.code), row.code, fields, result.modules)

    engagements = {engagement.code: engagement for engagement in referential.engagements.all()}
    for module_row in parsed.modules:
        module = modules[module_row.code]
        in_module = {code: row for code, row in engagements.items() if row.module_id == module.pk}
        _make_room(in_module, {row.code: row.fields["number"] for row in module_row.engagements})
        for row in module_row.engagements:
            fields = {"referential_id": referential.pk, "module_id": module.pk, **row.fields}
            engagements[row.code] = _upsert(Engagement, engagements.get(row.code), row.code, fields, result.engagements)

    in_file = {row.code for row in parsed.modules} | {row.code for row in parsed.engagements()}
    result.kept = sorted(code for code in [*modules, *engagements] if code not in in_file)
    return result


def _upsert(model, instance, code, fields, counts):
    if instance is None:
        counts.created += 1
        return model.objects.create(code=code, **fields)
    if _update(instance, fields):
        counts.updated += 1
    else:
        counts.unchanged += 1
    return instance


def _update(instance, fields):
    """Save the fields that differ; True when something changed (an identical file leaves rows untouched)."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.save(update_fields=[*(name.removesuffix("_id") for name in changed), "updated_at"])
    return bool(changed)


def _make_room(rows, wanted):
    """Free the numbers the file wants when other rows of the same version hold them.

    ``rows``: code -> existing row (modules of the referential, or engagements of one module);
    ``wanted``: code -> number in the file. Rows absent from the file are numbered after the others.
    """
    holders = {row.number: code for code, row in rows.items()}
    if all(holders.get(number, code) == code for code, number in wanted.items()):
        return
    model = type(next(iter(rows.values())))
    model.objects.filter(pk__in=[row.pk for row in rows.values()]).update(number=F("number") + RENUMBER_OFFSET)
    for row in rows.values():
        row.number += RENUMBER_OFFSET
    next_number = max(wanted.values(), default=0) + 1
    for code, row in sorted(rows.items(), key=lambda item: item[1].number):
        if code not in wanted:
            row.number = next_number
            next_number += 1
            row.save(update_fields=["number", "updated_at"])
