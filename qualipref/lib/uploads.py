"""Checks of uploaded files shared by every app (imports no app): size, real type, French messages.

- ``check_document(file, field=...)``: evidence and attachments (PDF, PNG, JPEG, ODT, DOCX or XLSX, 10 Mo at
  most), judged on the content, not on the name; returns the kind ("pdf", "docx"...).
- ``check_size(file, max_bytes=..., field=...)``: a present, non-empty file under a size limit (used by
  ``check_document`` and by the CSV imports of qualipref.lib.csv_import).
- ``read_head``, ``binary_kind``: the first bytes of a file, and what a binary file looks like from them.
- ``check_archive(file, field=...)``: an office document (XLSX, ODS, DOCX, ODT: zip archives) whose entries would
  expand beyond ARCHIVE_MAX_BYTES, or compress more than ARCHIVE_MAX_RATIO, or number more than
  ARCHIVE_MAX_ENTRIES (a « zip bomb »), is refused from its table of contents alone, before anything decompresses
  it: every reader of such files calls it first (the indicators' XLSX imports, the type check of documents).

Each check raises Django's ``ValidationError({field: message})``, so that forms, services and the API show the
message next to the upload field. Files are rewound after being read.
"""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# A real workbook of 10 Mo (the largest import) holds some 100 Mo of XML at most; its XML compresses 5 to 30 times.
ARCHIVE_MAX_BYTES = 100 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100  # only judged on entries above ARCHIVE_RATIO_FROM: tiny files compress oddly
ARCHIVE_RATIO_FROM = 1024 * 1024
ARCHIVE_MAX_ENTRIES = 1000
ARCHIVE_MESSAGE = (
    "Ce fichier se décompresse en un volume anormal ({detail}) : il est refusé. Enregistrez le classeur ou le "
    "document de nouveau depuis votre tableur, ou envoyez-le au format CSV."
)
# kind -> (label, MIME type stored, extensions accepted)
DOCUMENT_TYPES = {
    "pdf": ("PDF", "application/pdf", (".pdf",)),
    "png": ("PNG", "image/png", (".png",)),
    "jpeg": ("JPEG", "image/jpeg", (".jpg", ".jpeg")),
    "odt": ("ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
DOCUMENT_ACCEPT = ",".join(ext for _, _, extensions in DOCUMENT_TYPES.values() for ext in extensions)
DOCUMENT_HELP = "PDF, PNG, JPEG, ODT, DOCX ou XLSX, 10 Mo au plus."

# First bytes of formats people upload by mistake instead of a text file.
BINARY_SIGNATURES = {
    b"%PDF-": "un document PDF",
    b"PK\x03\x04": "un classeur ou un document bureautique (XLSX, ODS, DOCX…) ou une archive ZIP",
    b"\xd0\xcf\x11\xe0": "un classeur Excel 97-2003 (XLS)",
    b"\x89PNG": "une image PNG",
    b"\xff\xd8\xff": "une image JPEG",
    b"\x1f\x8b": "une archive compressée (gzip)",
    b"MZ": "un programme",
}


def megabytes(size):
    """« 12,5 » for 12.5 Mo, « 10 » for exactly 10 Mo (French decimal comma)."""
    value = size / (1024 * 1024)
    return f"{value:.1f}".replace(".", ",")


def _limit(max_bytes):
    value = max_bytes / (1024 * 1024)
    return str(int(value)) if value == int(value) else megabytes(max_bytes)


def read_head(file, size=8192):
    """The first ``size`` bytes of the file; the file is rewound before and after."""
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def check_size(file, *, max_bytes, field="file"):
    """Refuse a missing, empty or oversized file."""
    if file is None:
        raise ValidationError({field: "Choisissez un fichier."})
    size = file.size
    if not size:
        raise ValidationError({field: "Le fichier est vide."})
    if size > max_bytes:
        raise ValidationError(
            {field: f"Le fichier pèse {megabytes(size)} Mo : la taille maximale est de {_limit(max_bytes)} Mo."}
        )


def binary_kind(head):
    """What a binary file looks like from its first bytes (« un document PDF »...), None for text."""
    for signature, label in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return label
    if b"\x00" in head:
        return "un fichier binaire"
    return None


def check_archive(file, *, field="file"):
    """Refuse a zip archive (office document) that would expand beyond the limits above, judged from its table of
    contents, which zipfile then holds each entry to (it never yields more than an entry's declared size). A file
    that is no zip archive is left to its reader. Rewinds the file."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        file.seek(0)
    if len(entries) > ARCHIVE_MAX_ENTRIES:
        raise ValidationError({field: ARCHIVE_MESSAGE.format(detail=f"{len(entries)} éléments")})
    total = sum(entry.file_size for entry in entries)
    if total > ARCHIVE_MAX_BYTES:
        raise ValidationError({field: ARCHIVE_MESSAGE.format(detail=f"{megabytes(total)} Mo")})
    for entry in entries:
        if entry.file_size > ARCHIVE_RATIO_FROM and entry.file_size > ARCHIVE_MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise ValidationError({field: ARCHIVE_MESSAGE.format(detail=f"compression de 1 à {ratio}")})


def _zip_kind(file):
    try:
        check_archive(file)
    except ValidationError:
        return None
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == DOCUMENT_TYPES["odt"][1]:
                    return "odt"
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        file.seek(0)
    return None


def detect_kind(file):
    """The real type of a file, from its first bytes (and, for office documents, its zip entries); None when
    it is none of DOCUMENT_TYPES."""
    head = read_head(file, 8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
    return None


def accept_of(kinds):
    """The ``accept`` attribute of a file input for these kinds of DOCUMENT_TYPES."""
    return ",".join(ext for kind in kinds for ext in DOCUMENT_TYPES[kind][2])


def help_of(kinds):
    """« PDF, ODT, DOCX ou XLSX, 10 Mo au plus. » for these kinds of DOCUMENT_TYPES."""
    labels = [DOCUMENT_TYPES[kind][0] for kind in kinds]
    return (
        f"{', '.join(labels[:-1])} ou {labels[-1]}, 10 Mo au plus."
        if len(labels) > 1
        else f"{labels[0]}, 10 Mo au plus."
    )


def check_document(file, *, field="file", kinds=None):
    """Refuse a file of another type than PDF, PNG, JPEG, ODT, DOCX, XLSX (or than ``kinds``, some of them), an
    empty one, one over 10 Mo, or one whose content is not of the type its name says. Returns its kind ("pdf",
    "docx"...)."""
    suffix = PurePath(getattr(file, "name", "") or "").suffix.lower()
    types = {kind: DOCUMENT_TYPES[kind] for kind in kinds} if kinds else DOCUMENT_TYPES
    expected = next((kind for kind, (_, _, extensions) in types.items() if suffix in extensions), None)
    if expected is None:
        shown = f"« {suffix} »" if suffix else "sans extension"
        accepted = help_of(kinds) if kinds else DOCUMENT_HELP
        raise ValidationError({field: f"Type de fichier non accepté ({shown}) : formats acceptés {accepted}"})
    check_size(file, max_bytes=DOCUMENT_MAX_BYTES, field=field)
    if detect_kind(file) != expected:
        raise ValidationError(
            {field: f"Le contenu du fichier ne correspond pas à un document {DOCUMENT_TYPES[expected][0]}."}
        )
    return expected
