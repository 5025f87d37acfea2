"""Writes of responses: a visitor's answer (online, kiosk, API), a paper questionnaire typed in by an agent, a CSV
import of paper questionnaires.

Answers are given by question code: 1 (très insatisfait) to 4 (très satisfait), ``None`` for « sans avis »; an
unanswered question is simply absent. A closed question (``Question.Kind.YES_NO``) takes ``True`` (« Oui ») or
``False`` (« Non »), or ``None``, and nothing else: it is stored 4 or 1 (surveys.models.questionnaires.YES_VALUE).
Nothing is required but the consent to the use of a comment, when there is
one. Every refusal is a ``ValidationError`` with French messages by field; nothing is half-written, and a
submission key sent twice (double click, network retry) is counted once.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from qualipref.lib import csv_import
from qualipref.lib.dates import short_date
from sites.models import Service, Site
from surveys.models import Answer, Campaign, Response
from surveys.models.questionnaires import NO_VALUE, RATED_KINDS, YES_VALUE, Question
from surveys.results import dimensions_of, local_questions_of, yes_no_codes

Channel = Response.Channel
COMMENT_MAX_LENGTH = 2000
FREE_TEXT_MAX_LENGTH = 1000
# The channel of the campaign that each kind of response needs.
CAMPAIGN_CHANNEL = {
    Channel.WEB: Campaign.Channel.WEB,
    Channel.KIOSK: Campaign.Channel.KIOSK,
    Channel.PAPER: Campaign.Channel.PAPER,
    Channel.IMPORT: Campaign.Channel.PAPER,
}
# What an agent may type for « sans avis » on the entry grid or in a CSV file.
NO_OPINION_WORDS = {"s", "sa", "sans avis", "sans_avis", "na", "n/a", "nsp", "-"}
# What an agent may type for the answer to a closed question.
YES_WORDS = {"o", "oui", "y", "yes"}
NO_WORDS = {"n", "non", "no"}


def parse_value(raw, *, yes_no=False):
    """A typed answer: (value, error). '' -> no answer (absent); 's' / 'sans avis' -> None; '1'..'4' -> int; for a
    closed question (``yes_no``) 'O' / 'oui' -> True, 'N' / 'non' -> False, and no figure."""
    text = str(raw).strip().lower()
    if text == "":
        return "absent", None
    if text in NO_OPINION_WORDS:
        return None, None
    if yes_no:
        if text in YES_WORDS:
            return True, None
        if text in NO_WORDS:
            return False, None
        return "absent", f"« {raw} » : cette question se répond par oui ou par non (O ou N, ou S pour « sans avis »)."
    if text.isdigit() and 1 <= int(text) <= 4:
        return int(text), None
    if text.lstrip("-").isdigit():
        return "absent", f"« {raw} » est hors de l'échelle : de 1 (très insatisfait) à 4 (très satisfait)."
    return "absent", f"« {raw} » n'est pas une réponse : de 1 à 4, ou S pour « sans avis »."


def clean_answers(campaign, answers):
    """Answers keyed by the campaign's question codes, values 1..4 or None (True / False / None for a closed
    question, returned as 4 / 1 / None); raises the French messages of the unknown codes and wrong values."""
    if not isinstance(answers, dict):
        raise ValidationError(
            {
                "answers": "Les réponses sont un objet {code de question : 1 à 4 (true ou false pour une question "
                "oui / non), ou null}."
            }
        )
    labels = dict(dimensions_of(campaign))
    closed = yes_no_codes(campaign)
    local = {question.code: question for question in local_questions_of(campaign)}
    cleaned, errors = {}, []
    for code, value in answers.items():
        if code in local:
            _clean_local(local[code], value, cleaned, errors)
        elif code not in labels:
            known = [*labels, *local]
            errors.append(f"Question inconnue : « {code} » (questions : {', '.join(known)}).")
        else:
            try:
                cleaned.update(_clean_rated(code, labels[code], code in closed, value))
            except ValueError as error:
                errors.append(str(error))
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


def _clean_rated(code, label, yes_no, value):
    """{code: 1..4 or None} for a rated question's answer; ValueError (French) for a wrong one."""
    if value is None:
        return {code: None}
    if yes_no:
        if isinstance(value, bool):
            return {code: YES_VALUE if value else NO_VALUE}
        if isinstance(value, int) and 1 <= value <= 4:
            # The API's contract answers every question 1..4 (docs/api.md): clients written before questions had
            # a kind keep working, a satisfied answer (3, 4) reading as « Oui ».
            return {code: YES_VALUE if value >= 3 else NO_VALUE}
        raise ValueError(
            f"{code} : « {label} » se répond par oui ou par non (true pour « Oui », false pour "
            f"« Non », ou 1 à 4 : 3 et 4 valent « Oui », null pour « sans avis ») ; « {value} » n'est pas une "
            "réponse."
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{code} : « {value} » n'est pas une réponse (1 à 4, ou null pour « sans avis »).")
    if not 1 <= value <= 4:
        raise ValueError(f"{code} : {value} est hors de l'échelle de 1 (très insatisfait) à 4 (très satisfait).")
    return {code: value}


def _clean_local(question, value, cleaned, errors):
    """The answer to a local choice or free-text question: an option code (single choice), a list of option codes
    (multiple choice), a text (free text); None or empty: no answer."""
    code, label = question.code, question.label
    if question.kind in RATED_KINDS:
        # a local yes/no or 1-4 question: the national questions' rules
        try:
            cleaned.update(_clean_rated(code, label, question.is_yes_no, value))
        except ValueError as error:
            errors.append(str(error))
        return
    options = [option.code for option in question.options.all()]
    if value is None or value == "" or value == []:
        return
    if question.kind == Question.Kind.SINGLE_CHOICE:
        if not isinstance(value, str) or value not in options:
            errors.append(f"{code} : « {label} » se répond par l'une des options ({', '.join(options)}).")
        else:
            cleaned[code] = [value]
    elif question.kind == Question.Kind.MULTIPLE_CHOICE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or any(not isinstance(item, str) or item not in options for item in values):
            errors.append(f"{code} : « {label} » se répond par une liste d'options ({', '.join(options)}).")
        else:
            cleaned[code] = list(dict.fromkeys(values))
    elif not isinstance(value, str):
        errors.append(f"{code} : « {label} » se répond par un texte.")
    elif len(value.strip()) > FREE_TEXT_MAX_LENGTH:
        errors.append(f"{code} : votre réponse à « {label} » dépasse {FREE_TEXT_MAX_LENGTH} caractères.")
    elif value.strip():
        cleaned[code] = value.strip()


def campaign_closed_message(campaign, today):
    """Why the campaign takes no answer today (None when it does)."""
    if campaign.is_aggregated:
        return "Cette campagne ne recueille pas de réponses : elle présente des résultats passés."
    if campaign.status == Campaign.Status.DRAFT:
        return "Cette enquête n'est pas encore ouverte."
    if campaign.status == Campaign.Status.CLOSED or today > campaign.closes_on:
        return f"Cette enquête est close depuis le {short_date(campaign.closes_on)} : elle n'accepte plus de réponses."
    if today < campaign.opens_on:
        return f"Cette enquête ouvrira le {short_date(campaign.opens_on)}."
    return None


def _check_place(campaign, site, service, errors):
    if site is None or not campaign.campaign_sites.filter(site=site).exists():
        errors["site"] = "Ce site ne participe pas à cette enquête."
        return
    if service is not None:
        if service.site_id != site.pk:
            errors["service"] = "Ce service n'appartient pas au site choisi."
        elif not campaign.services.filter(pk=service.pk).exists():
            errors["service"] = "Ce service n'est pas concerné par cette enquête."


def _check_comment(comment, consent, errors):
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = f"Le commentaire dépasse {COMMENT_MAX_LENGTH} caractères."
    if comment and not consent:
        errors["comment_consent"] = (
            "Cochez la case d'accord pour que votre commentaire puisse être lu et publié de façon anonyme, "
            "ou effacez-le."
        )
    return comment


def _save(*, errors, campaign, site, service, channel, answers, comment, consent, answered_on, by, submission_key):
    """Check the channel, place, answers and comment: with the ``errors`` found before, all raised at once; else
    write the response."""
    if CAMPAIGN_CHANNEL[channel] not in (campaign.channels or []):
        label = Campaign.Channel(CAMPAIGN_CHANNEL[channel]).label.lower()
        errors.setdefault("channel", f"Cette enquête ne recueille pas de réponses par ce canal ({label}).")
    _check_place(campaign, site, service, errors)
    try:
        answers = clean_answers(campaign, answers or {})
    except ValidationError as error:
        errors.update(error.message_dict)
        answers = {}
    comment = _check_comment(comment, consent, errors)
    if any(isinstance(value, str) for value in answers.values()) and not consent:
        # a free text is used, like a comment, only with its author's consent
        errors.setdefault(
            "comment_consent",
            "Cochez la case d'accord pour que vos réponses écrites puissent être lues et publiées de façon anonyme, "
            "ou effacez-les.",
        )
    if not errors and not answers and not comment:
        errors["answers"] = "Répondez au moins à une question ou laissez un commentaire."
    if errors:
        raise ValidationError(errors)
    response = Response(
        campaign=campaign,
        prefecture_id=campaign.prefecture_id,
        site=site,
        service=service,
        channel=channel,
        answered_on=answered_on,
        comment=comment,
        comment_consent=bool(consent) and (bool(comment) or any(isinstance(v, str) for v in answers.values())),
        comment_status=Response.CommentStatus.PENDING if comment else Response.CommentStatus.NONE,
        entered_by=by,
        submission_key=submission_key,
    )
    response.save()
    Answer.objects.bulk_create(
        Answer(response=response, campaign=campaign, site=site, service=service, question_code=code, **fields)
        for code, value in answers.items()
        for fields in _answer_rows(value)
    )
    return response


def _answer_rows(value):
    """The fields of the Answer rows of one cleaned answer: a value 1..4 or None; one row per chosen option (a
    list); a free text, to moderate."""
    if isinstance(value, list):
        return [{"option": option} for option in value]
    if isinstance(value, str):
        return [{"text": value, "text_status": Response.CommentStatus.PENDING}]
    return [{"value": value}]


def _sent_before(campaign, submission_key):
    """The response already sent with ``submission_key`` (a second click, a kiosk sending again), if any."""
    if submission_key is None:
        return None
    existing = Response.objects.filter(submission_key=submission_key).first()
    if existing is not None and existing.campaign_id != campaign.pk:
        raise ValidationError({"submission_key": "Cette clé d'envoi a déjà servi pour une autre enquête."})
    return existing


def response_submit(
    *,
    campaign,
    site,
    answers,
    service=None,
    comment="",
    comment_consent=False,
    channel=Channel.WEB,
    submission_key=None,
) -> Response:
    """A visitor's answer (no actor): the campaign must be open today, on this channel, for this site."""
    if channel not in (Channel.WEB, Channel.KIOSK):
        raise ValidationError({"channel": "Canal inconnu."})
    today = timezone.localdate()
    closed = campaign_closed_message(campaign, today)
    if closed:
        raise ValidationError({"campaign": closed})
    existing = _sent_before(campaign, submission_key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _save(
                errors={},
                campaign=campaign,
                site=site,
                service=service,
                channel=channel,
                answers=answers,
                comment=comment,
                consent=comment_consent,
                answered_on=today,
                by=None,
                submission_key=submission_key,
            )
    except IntegrityError:
        # The same submission arrived twice at once: the first one counts.
        existing = Response.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing


def _check_entry(*, by, campaign, site, answered_on, errors):
    if site is not None and not access.can_enter_responses(by, campaign, site):
        raise PermissionDenied("Vous ne pouvez pas saisir de questionnaire pour ce site.")
    if campaign.is_aggregated:
        raise ValidationError("Cette campagne présente des résultats passés : elle ne reçoit pas de questionnaires.")
    if campaign.status == Campaign.Status.DRAFT:
        raise ValidationError("La campagne n'est pas encore ouverte : ses questionnaires se saisissent ensuite.")
    today = timezone.localdate()
    if not isinstance(answered_on, datetime.date) or isinstance(answered_on, datetime.datetime):
        errors["answered_on"] = "Indiquez la date du questionnaire."
    elif answered_on > today:
        errors["answered_on"] = "La date du questionnaire ne peut pas être dans le futur."
    elif not campaign.opens_on <= answered_on <= campaign.closes_on:
        errors["answered_on"] = (
            f"La date du questionnaire doit être dans la période de la campagne, du {short_date(campaign.opens_on)} "
            f"au {short_date(campaign.closes_on)}."
        )


def default_entry_date(campaign, today=None):
    today = today or timezone.localdate()
    return min(max(today, campaign.opens_on), campaign.closes_on)


@transaction.atomic
def response_enter(
    *,
    by,
    campaign,
    site,
    answers,
    answered_on,
    service=None,
    comment="",
    comment_consent=False,
    submission_key=None,
) -> Response:
    """A paper questionnaire typed in by an agent of the site (or the quality manager), dated within the campaign's
    period: the campaign may already be closed (papers are often typed in afterwards)."""
    existing = _sent_before(campaign, submission_key)
    if existing is not None:
        return existing
    errors = {}
    _check_entry(by=by, campaign=campaign, site=site, answered_on=answered_on, errors=errors)
    return _save(
        errors=errors,
        campaign=campaign,
        site=site,
        service=service,
        channel=Channel.PAPER,
        answers=answers,
        comment=comment,
        consent=comment_consent,
        answered_on=answered_on,
        by=by,
        submission_key=submission_key,
    )


# --- CSV import of paper questionnaires -------------------------------------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
NO = {"", "non", "n", "no", "0", "faux", "false"}


def csv_columns(campaign):
    """The columns of the CSV file of a campaign's paper questionnaires: site, service, date, one per question code
    (its label accepted too), commentaire, accord_commentaire."""
    columns = [
        csv_import.Column("site", "site", required=True),
        csv_import.Column("service", "service"),
        csv_import.Column("date", "date", required=True, aliases=("date de réponse", "date du questionnaire")),
    ]
    columns += [csv_import.Column(code, code, aliases=(label,)) for code, label in dimensions_of(campaign)]
    columns += [
        csv_import.Column(question.code, question.code, aliases=(question.label,))
        for question in local_questions_of(campaign)
    ]
    columns += [
        csv_import.Column("comment", "commentaire", aliases=("comment", "commentaires")),
        csv_import.Column("comment_consent", "accord_commentaire", aliases=("accord", "consentement")),
    ]
    return columns


def csv_template(campaign):
    """The header line (and an example row) of the CSV file of a campaign's paper questionnaires."""
    columns = csv_columns(campaign)
    codes = [code for code, _ in dimensions_of(campaign)]
    closed = yes_no_codes(campaign)
    site = campaign.campaign_sites.select_related("site").order_by("site__name").first()
    example = {"site": site.site.name if site else "", "service": "", "date": short_date(default_entry_date(campaign))}
    for code, scale, yes_no in zip(
        codes, ["4", "3", "S", "", "4", "4", "2"], ["oui", "non", "S", "", "oui", "oui", "non"], strict=False
    ):
        example[code] = yes_no if code in closed else scale
    for question in local_questions_of(campaign):
        options = [option.label for option in question.options.all()]
        example[question.code] = {
            Question.Kind.YES_NO: "oui",
            Question.Kind.SCALE: "3",
            Question.Kind.SINGLE_CHOICE: options[0] if options else "",
            Question.Kind.MULTIPLE_CHOICE: " | ".join(options[:2]),
        }.get(question.kind, "")
    example.update(comment="Accueil très aimable, attente un peu longue.", comment_consent="oui")
    header = ";".join(column.label for column in columns)
    return header + "\r\n" + ";".join(example.get(column.name, "") for column in columns) + "\r\n"


NUMBERS = re.compile(r"^[\d\s,;+/]+$")


def _option_codes(question, item, by_name, by_number):
    """The option codes an item of a typed choice names: its code or label, its number, or several numbers
    (« 1 3 », « 1,3 », and « 13 » when the question has at most nine options); None when it names no option."""
    if item.lower() in by_name:
        return [by_name[item.lower()]]
    if not NUMBERS.match(item):
        return None
    numbers = re.findall(r"\d+", item)
    if len(numbers) == 1 and len(numbers[0]) > 1 and len(by_number) <= 9:
        numbers = list(numbers[0])
    if question.kind == Question.Kind.SINGLE_CHOICE and len(numbers) > 1:
        return None
    codes = [by_number.get(number.lstrip("0")) for number in numbers]
    return None if None in codes else codes


def parse_local_cell(question, raw):
    """A cell of the paper grid or of the CSV file for a local question: (value, error). Yes/no and 1-4 as the
    national questions; a choice by the number, the code or the label of its option (several numbers, or codes and
    labels separated by « | », for a multiple choice; S or nothing: no answer); a free text as is."""
    text = str(raw).strip()
    if question.kind in RATED_KINDS:
        return parse_value(text, yes_no=question.is_yes_no)
    if text == "":
        return "absent", None
    if question.kind == Question.Kind.FREE_TEXT:
        return text, None
    if text.lower() in NO_OPINION_WORDS:
        return "absent", None
    options = list(question.options.all())
    by_name = {}
    for option in options:
        by_name[option.code.lower()] = option.code
        by_name[option.label.strip().lower()] = option.code
    by_number = {str(number): option.code for number, option in enumerate(options, start=1)}
    multiple = question.kind == Question.Kind.MULTIPLE_CHOICE
    codes = []
    for item in [item.strip() for item in text.split("|")] if multiple else [text]:
        if not item:
            continue
        found = _option_codes(question, item, by_name, by_number)
        if found is None:
            several = " ; plusieurs réponses possibles (« 1 3 »)" if multiple else ""
            return "absent", f"« {item} » n'est pas une réponse proposée : {question.numbered_options()}{several}."
        codes += found
    codes = list(dict.fromkeys(codes))
    return (codes if multiple else codes[0]), None


def _csv_row(values, *, sites_by_key, services_by_key, codes, closed, add, local=()):
    """The fields of ``response_enter`` for one CSV row (None when the row has errors, reported through ``add``)."""
    ok = True

    def error(column, message):
        nonlocal ok
        ok = False
        add(column, message)

    site_text = values["site"]
    site = sites_by_key.get(site_text.lower()) if site_text else None
    if site is None:
        error("site", f"« {site_text} » ne participe pas à la campagne." if site_text else "Indiquez le site.")
    service = None
    if values["service"] and site is not None:
        service = services_by_key.get((site.pk, values["service"].lower()))
        if service is None:
            error("service", f"« {values['service']} » n'est pas un service de la campagne pour ce site.")
    answered_on = None
    try:
        answered_on = csv_import.parse_date(values["date"])
    except ValueError as exc:
        error("date", str(exc))
    answers = {}
    for code in codes:
        value, message = parse_value(values[code], yes_no=code in closed)
        if message:
            error(code, message)
        elif value != "absent":
            answers[code] = value
    for question in local:
        value, message = parse_local_cell(question, values[question.code])
        if message:
            error(question.code, message)
        elif value != "absent":
            answers[question.code] = value
    consent_text = values["comment_consent"].lower()
    if consent_text not in YES | NO:
        error("comment_consent", f"« {values['comment_consent']} » : oui ou non attendu.")
    if not ok:
        return None
    return {
        "site": site,
        "service": service,
        "answered_on": answered_on,
        "answers": answers,
        "comment": values["comment"],
        "comment_consent": consent_text in YES,
    }


def _messages(error):
    if hasattr(error, "error_dict"):
        return list(error.message_dict.items())
    return [("", list(error.messages))]


def responses_import_csv(*, by, campaign, file, dry_run=False) -> csv_import.ImportReport:
    """Import paper questionnaires from a CSV file, one line per questionnaire (qualipref.lib.csv_import).

    All the rows or none: with one wrong row nothing is written, and the report says what is wrong with each row,
    so that a corrected file can be imported again without counting anything twice. ``report.imported`` is the
    number of questionnaires written (0 on a dry run)."""
    if not access.may_enter_responses(by, campaign):
        raise PermissionDenied("Vous ne pouvez pas saisir de questionnaires pour cette campagne.")
    csv_import.check_csv_upload(file, max_bytes=IMPORT_MAX_BYTES, field="file")
    report = csv_import.ImportReport()
    report.imported = 0
    codes = [code for code, _ in dimensions_of(campaign)]
    sites = list(Site.objects.filter(campaign_sites__campaign=campaign))
    sites_by_key = {site.name.lower(): site for site in sites} | {str(site.pk): site for site in sites}
    services_by_key = {
        (service.site_id, service.name.lower()): service
        for service in Service.objects.filter(survey_campaigns=campaign)
    }
    prepared = []
    with csv_import.CsvReader(file, columns=csv_columns(campaign), report=report) as reader:
        for line, values in reader.rows():
            fields = _csv_row(
                values,
                sites_by_key=sites_by_key,
                services_by_key=services_by_key,
                codes=codes,
                closed=yes_no_codes(campaign),
                local=local_questions_of(campaign),
                add=lambda column, message, line=line: report.add(line, reader.label_of(column), message),
            )
            if fields is not None:
                prepared.append((line, fields))
    if report.ok and not report.rows:
        report.add_file_error("Le fichier ne contient aucune ligne de questionnaire.")
    if not report.ok and not prepared:
        return report
    try:
        with transaction.atomic():
            for line, fields in prepared:
                try:
                    with transaction.atomic():
                        response = response_enter(by=by, campaign=campaign, **fields)
                except ValidationError as error:
                    for field, messages in _messages(error):
                        report.add(line, field, " ".join(messages))
                except PermissionDenied as error:
                    report.add(line, "site", str(error))
                else:
                    response.channel = Channel.IMPORT
                    response.save(update_fields=["channel", "updated_at"])
            if dry_run or not report.ok:
                raise _Rollback
            report.imported = len(prepared)
    except _Rollback:
        pass
    return report


class _Rollback(Exception):
    """Leaves the import's transaction without writing (a dry run, or a row refused by the service)."""
