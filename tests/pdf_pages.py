"""The text of each page of a PDF (pdftotext page by page, poppler-utils), for the tests of the documents' layout."""

import html
import re
import shutil
import subprocess

import pytest

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None, reason="pdftotext absent (poppler-utils)"
)
PAGE_NUMBER = re.compile(r"^Page \d+ sur \d+$")


def pages(content, tmp_path, name="document.pdf"):
    """[[non-empty lines of page 1], [of page 2], ...] of the PDF ``content``."""
    path = tmp_path / name
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    texts = []
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        texts.append([" ".join(line.split()) for line in text.splitlines() if line.strip()])
    return texts


def titles(source, tags=("h2", "h3", "h4", "caption")):
    """The texts of the headings (and table captions) of an HTML source, as the PDF prints them."""
    found = re.findall(rf"<({'|'.join(tags)})\b[^>]*>(.*?)</\1>", source, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()) for _tag, text in found]


def body(lines, running):
    """A page's lines without its running header and footer: one occurrence of each running text (the same text may
    also be the page's heading) and the page number."""
    lines = [line for line in lines if not PAGE_NUMBER.match(line)]
    for text in running:
        if text in lines:
            lines.remove(text)
    return lines


def is_title(line, titles):
    """The line is a heading, or the last line of a heading printed on two lines."""
    return any(line == title or (len(line) > 12 and title.endswith(line)) for title in titles)


def rows_across_pages(source):
    """The texts of the table rows of an HTML document that WeasyPrint lays out over two pages (a row cut in two);
    header rows aside, repeated on each page on purpose."""
    from qualipref.lib import pdf

    document = pdf.weasy_html(source).render()
    pages_of, header_rows = {}, set()
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            if box.element_tag == "thead":
                header_rows.update(box.element)  # its <tr> children
            elif box.element_tag == "tr" and box.element is not None:
                pages_of.setdefault(box.element, set()).add(number)
    return [
        " ".join("".join(row.itertext()).split())
        for row, numbers in pages_of.items()
        if len(numbers) > 1 and row not in header_rows
    ]
