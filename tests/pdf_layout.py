"""A stand-in for WeasyPrint's layout, for the tests that check who may fetch a document, not the document.

WeasyPrint's layout costs 3 to 15 s per audit report; the documents are rendered and read (pdftotext) by their
own tests: tests/audits/test_reports*.py, tests/indicators/test_dashboards_*.py, tests/surveys/test_public_pages.py.
Swapping ``weasyprint.HTML`` keeps every line of the views, services and templates in the request (a template error
still fails), and skips only the layout into a PDF.
"""

import pytest

MINIMAL_PDF = b"%PDF-1.4\n% document non rendu par les tests\n%%EOF\n"


class UnrenderedHTML:
    """Stands for ``weasyprint.HTML``: the template is still rendered to HTML by the view."""

    def __init__(self, *, string, **_options):
        self.html = string
        self.pages = [None]

    def render(self):
        return self

    def write_pdf(self):
        return MINIMAL_PDF


@pytest.fixture
def pdf_layout_skipped(monkeypatch):
    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", UnrenderedHTML)
