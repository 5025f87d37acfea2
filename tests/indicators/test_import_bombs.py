"""An XLSX « zip bomb » (about 1 Mo that would expand to hundreds of Mo) sent to the measurements or the footfall
import is refused with a French message from the archive's table of contents, before openpyxl decompresses it.

The time and the memory are printed (``-s``) and the memory is bounded by tracemalloc (what Python allocates while
the request is served): today's code took minutes and hundreds of Mo before its 500.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

# Identical rows (the row and cell references are optional in OOXML): deflate shrinks them about a thousand times.
ROW = '<row><c t="inlineStr"><is><t>Istres</t></is></c><c><v>1</v></c></row>'


def _bomb(rows=4_000_000):
    """A valid XLSX whose first sheet holds ``rows`` identical rows: under 1 Mo deflated, ~250 Mo of XML."""
    template = io.BytesIO()
    Workbook().save(template)
    with zipfile.ZipFile(template) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, content)
        # Streamed into the archive: the test itself never holds the XML.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = (ROW * 1000).encode()
            for _ in range(rows // 1000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return _bomb()


def _post(client, url, data):
    tracemalloc.start()
    started = time.perf_counter()
    response = client.post(url, data, format="multipart")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return response, elapsed, peak


@pytest.mark.parametrize("target", ["measurements", "footfall"])
def test_an_xlsx_bomb_is_refused_in_french_before_being_decompressed(as_role, world, bomb, target):
    client = as_role("quality_manager")
    file = SimpleUploadedFile("export.xlsx", bomb)
    if target == "measurements":
        url, data = reverse("api:measurement-import"), {"format": "queue", "file": file}
    else:
        url, data = reverse("api:footfall-import"), {"file": file}

    response, elapsed, peak = _post(client, url, data)

    print(f"\n{target}: bombe de {len(bomb) / 2**20:.1f} Mo refusée en {elapsed:.2f} s, pic {peak / 2**20:.1f} Mo")
    assert len(bomb) < 2**20
    assert response.status_code == 400
    assert "se décompresse en un volume anormal" in str(response.json())
    assert peak < 100 * 2**20  # today's code: hundreds of Mo


def test_the_archive_check_looks_at_sizes_ratios_and_entries(bomb):
    from django.core.exceptions import ValidationError

    from qualipref.lib import uploads

    normal = io.BytesIO()
    Workbook().save(normal)
    uploads.check_archive(SimpleUploadedFile("ok.xlsx", normal.getvalue()))  # a real workbook passes

    with pytest.raises(ValidationError, match="volume anormal"):
        uploads.check_archive(SimpleUploadedFile("bombe.xlsx", bomb))

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(uploads.ARCHIVE_MAX_ENTRIES + 1):
            archive.writestr(f"x/{index}.xml", "<x/>")
    with pytest.raises(ValidationError, match="éléments"):
        uploads.check_archive(SimpleUploadedFile("many.xlsx", many.getvalue()))

    dense = io.BytesIO()
    with zipfile.ZipFile(dense, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (20 * 2**20))  # 20 Mo of spaces: ratio ~1000
    with pytest.raises(ValidationError, match="compression"):
        uploads.check_archive(SimpleUploadedFile("dense.xlsx", dense.getvalue()))


def test_a_document_bomb_is_not_taken_for_an_office_document(bomb):
    from django.core.exceptions import ValidationError

    from qualipref.lib import uploads

    with pytest.raises(ValidationError):
        uploads.check_document(SimpleUploadedFile("piece.xlsx", bomb))
