"""The PDF audit report of each demo audit, page by page (pdftotext): no heading alone at the foot of a page, no page
holding a sentence or two, the charts' axes in whole numbers with French decimals, one colour per category in both
charts, no space before a comma."""

import re

import pytest

from audits import palette
from audits.models import Audit, Finding
from audits.services import reports as services
from qualipref.lib import pdf
from tests.pdf_pages import body, is_title, needs_poppler, pages, rows_across_pages, titles

pytestmark = pytest.mark.django_db

MIN_LINES = 5  # a page other than the last holds more than a heading and a sentence


@pytest.fixture(scope="module")
def rendered(demo_data, django_db_blocker, tmp_path_factory):
    """{audit: (html, [lines of each page])} of the demo audits, rendered once for the module."""
    folder = tmp_path_factory.mktemp("reports")
    with django_db_blocker.unblock():
        result = {}
        for audit in Audit.objects.select_related("prefecture").order_by("pk"):
            html = services.report_html(audit)
            content, _ = pdf.html_to_pdf(html)
            result[audit] = (html, pages(content, folder, f"audit-{audit.pk}.pdf"))
        return result


def _bodies(audit, html, texts):
    headings = titles(html, ("h2",))
    running_title = re.search(r'<p class="running-title">(.*?)</p>', html, re.S).group(1)
    running = [audit.prefecture.name, " ".join(running_title.split())]
    result = []
    for lines in texts:
        lines = body(lines, running)
        section = next((line for line in lines if line in headings), None)
        if section:
            lines.remove(section)  # the running section (the heading itself, when the section starts on this page)
        result.append(lines)
    return result


@needs_poppler
def test_no_page_ends_with_a_heading_or_holds_a_sentence_alone(rendered):
    assert len(rendered) >= 4
    for audit, (html, texts) in rendered.items():
        headings = titles(html, ("h3", "h4", "caption"))
        bodies = _bodies(audit, html, texts)
        for number, lines in enumerate(bodies[1:-1], start=2):  # the cover and the last page aside
            where = f"{audit} page {number}: {lines[-3:]}"
            assert len(lines) >= MIN_LINES, f"page presque vide, {where}"
            assert not is_title(lines[-1], headings), f"titre orphelin en bas de page, {where}"
        assert not is_title(bodies[-1][-1], headings)


@needs_poppler
def test_no_space_before_a_comma(rendered):
    for audit, (_html, texts) in rendered.items():
        for number, lines in enumerate(texts, start=1):
            for line in lines:
                assert " ," not in line, f"{audit} page {number}: {line}"


def _series_fills(svg):
    """{series name: fill} of a pygal chart, from its legend and its scoped colour rules."""
    fills = dict(re.findall(r"\.color-(\d+),#chart-[^ ]+ \.color-\d+ a:visited\{stroke:[^;]+;fill:([^}]+)\}", svg))
    legends = re.findall(r'class="color-(\d+) reactive" /><text[^>]*>([^<]*)</text>', svg)
    return {name: fills[index] for index, name in legends}


def test_both_charts_give_a_minor_nonconformity_the_same_colour(rendered):
    audit = next(audit for audit in rendered if audit.findings.filter(category="minor_nonconformity").exists())
    charts = services.report_context(audit)["charts"]
    by_category, by_module = _series_fills(charts["by_category"]), _series_fills(charts["by_module"])
    assert by_category["Non-conformité mineure"] == by_module["Non-conformité mineure"]
    assert by_category["Non-conformité majeure"] == by_module["Non-conformité majeure"]
    assert by_category["Point fort"] == by_module["Conforme"]
    # and the findings' borders of the report are those colours too
    html = rendered[audit][0]
    minor = palette.colour(Finding.Category.MINOR_NONCONFORMITY)
    assert by_category["Non-conformité mineure"] == minor
    assert f".finding--minor_nonconformity {{ border-left-color: {minor}; }}" in html
    assert f".r-minor_nonconformity {{ color: {minor}; }}" in html


def test_the_charts_count_in_whole_numbers(rendered):
    for audit in rendered:
        for svg in services.report_context(audit)["charts"].values():
            figures = [text for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if re.fullmatch(r"[\d.,]+", text)]
            assert figures and all(figure.isdigit() for figure in figures), (audit, figures)


def test_no_row_of_the_grid_runs_over_two_pages(rendered):
    largest = max(rendered, key=lambda audit: audit.findings.count())
    assert rows_across_pages(rendered[largest][0]) == []
