"""Small documents of each accepted type for the upload tests (qualipref.lib.uploads judges them on their content):
a ZIP archive of given entries, the smallest ODT and DOCX archives, an empty XLSX workbook."""

import io
import zipfile

from openpyxl import Workbook


def zip_bytes(entries):
    """A ZIP archive of ``{name: content}``, as bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_bytes():
    """An empty workbook, as bytes."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


ODT = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
