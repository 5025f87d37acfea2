"""A raw e-mail → what the registers need of it (``ParsedMessage``), or ``Unreadable`` with the reason in French."""

import dataclasses
import datetime
import email
import email.policy
import email.utils
import re
from html import unescape

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.html import strip_tags

SUBJECT_MAX_LENGTH = 300
BODY_MAX_LENGTH = 20_000
MESSAGE_ID_MAX_LENGTH = 255
LINE_TAGS = re.compile(r"(?i)<\s*(br|/div|/li|/tr)\b[^>]*>")
PARAGRAPH_TAGS = re.compile(r"(?i)<\s*(/p|/h[1-6]|/blockquote)\b[^>]*>")
HIDDEN_HTML = re.compile(r"(?is)<(style|script|head)\b.*?</\1\s*>")
BLANK_LINES = re.compile(r"\n{3,}")


class Unreadable(Exception):  # noqa: N818 - a message, not an error of the program
    """The message cannot be filed: ``reason`` says why, in French (kept with the quarantined message)."""

    def __init__(self, reason, *, message_id="", subject=""):
        super().__init__(reason)
        self.reason = reason
        self.message_id = message_id
        self.subject = subject  # what the triage page names the message by, when it could be read


@dataclasses.dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    content_type: str


@dataclasses.dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    received_at: datetime.datetime
    sender_name: str
    sender_email: str
    recipients: tuple
    subject: str
    body: str
    attachments: tuple
    # Message-IDs of the messages this one answers (In-Reply-To, References): our e-mailed replies among them.
    replies_to: tuple

    @property
    def text(self):
        """Subject and text, where a reference or a keyword is looked for."""
        return f"{self.subject}\n{self.body}"


def html_to_text(html):
    """The readable text of an HTML-only message: line breaks kept, tags and hidden parts dropped."""
    html = HIDDEN_HTML.sub("", html)
    text = unescape(strip_tags(LINE_TAGS.sub("\n", PARAGRAPH_TAGS.sub("\n\n", html))))
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _clean_id(value):
    return (value or "").strip()[:MESSAGE_ID_MAX_LENGTH]


def _ids(value):
    return tuple(re.findall(r"<[^<>\s]+>", value or ""))


def header_message_id(raw):
    """The Message-ID of raw bytes, read leniently, even from a message the rest of the parsing refuses."""
    try:
        return _clean_id(email.message_from_bytes(raw, policy=email.policy.compat32).get("Message-ID", ""))
    except Exception:  # noqa: BLE001 - whatever the bytes are, the caller falls back on the UID
        return ""


def header_subject(raw):
    """The Subject of raw bytes, read leniently (« » when it cannot be): the name of a quarantined message."""
    try:
        header = email.message_from_bytes(raw, policy=email.policy.default).get("Subject", "")
        return " ".join(str(header).split())[:SUBJECT_MAX_LENGTH]
    except Exception:  # noqa: BLE001 - whatever the bytes are, the message stays nameless
        return ""


def _received_at(message, internal_date):
    try:
        value = email.utils.parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        value = None
    value = value or internal_date or timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    # A sender's clock in the future must not date an item after today.
    return min(value, timezone.now())


def _sender(message):
    header = message.get("From")
    if header is None or not str(header).strip():
        raise Unreadable("Expéditeur absent : le message n'a pas d'en-tête From.")
    name, address = email.utils.parseaddr(str(header))
    try:
        validate_email(address)
    except ValidationError:
        raw = next((value for name, value in message.raw_items() if name.lower() == "from"), header)
        raise Unreadable(f"Adresse de l'expéditeur illisible : « {' '.join(str(raw).split())[:100]} ».") from None
    return name.strip()[:200], address.strip().lower()


def _text_of(part):
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError) as error:
        raise Unreadable(f"Texte du message indécodable ({error.__class__.__name__}).") from None


def _body(message):
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return _text_of(plain).strip()
    html = message.get_body(preferencelist=("html",))
    return html_to_text(_text_of(html)) if html is not None else ""


def _attachments(message):
    found = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        name = part.get_filename() or "piece-jointe"
        found.append(Attachment(name=name[-200:], content=payload, content_type=part.get_content_type()))
    return tuple(found)


def parse(raw, *, internal_date=None):
    """``ParsedMessage`` of raw bytes; ``Unreadable`` (French reason) when there is nothing a register can file:
    no sender, an unreadable address, a text that does not decode."""
    message_id = header_message_id(raw)
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        sender_name, sender_email = _sender(message)
        recipients = tuple(
            address.lower()
            for _, address in email.utils.getaddresses([str(message.get(h, "")) for h in ("To", "Cc", "Delivered-To")])
            if address
        )
        subject = " ".join(str(message.get("Subject", "")).split())[:SUBJECT_MAX_LENGTH]
        return ParsedMessage(
            message_id=message_id,
            received_at=_received_at(message, internal_date),
            sender_name=sender_name,
            sender_email=sender_email,
            recipients=recipients,
            subject=subject,
            body=_body(message)[:BODY_MAX_LENGTH],
            attachments=_attachments(message),
            replies_to=_ids(str(message.get("In-Reply-To", ""))) + _ids(str(message.get("References", ""))),
        )
    except Unreadable as error:
        error.message_id, error.subject = message_id, header_subject(raw)
        raise
    except Exception as error:  # noqa: BLE001 - a malformed message goes to quarantine, never stops the reading
        raise Unreadable(
            f"Message illisible ({error.__class__.__name__}).", message_id=message_id, subject=header_subject(raw)
        ) from None
