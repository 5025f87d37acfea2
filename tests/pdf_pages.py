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
