"""The project's own documentation (docs/) is what the code cites: every cited file and « § section » exists.

A comment such as ``(docs/domaine.md, § Cycle de labellisation)`` must lead a newcomer to that heading; a renamed
heading or file fails here with the place that cites it. The documents the project once cited from outside the
repository (a shared folder a clone does not have) must not come back.
"""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS = BASE_DIR / "docs"
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", ".ruff_cache", "staticfiles"}
SUFFIXES = {".py", ".html", ".md", ".txt", ".yml", ".yaml", ".toml", ".example", ".js", ".css"}
NAMES = {"Makefile", "Dockerfile", "run"}

DOC_PATH = re.compile(r"\bdocs/([\w-]+\.md)")
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")
SECTION = re.compile(r"§\s*")
# The document a « § » belongs to, written just before it: docs/x.md, [x](x.md) or x.md, then « , » or « ( ».
CITED_DOC = re.compile(r"(?:docs/|\()?([\w-]+)\.md\)?\s*,?\s*\(?\s*$")
OUTSIDE = re.compile(r"\b(?:DOMAIN|DESIGN|API)\.md\b|\.\./shared/")


def _files():
    for path in sorted(BASE_DIR.rglob("*")):
        if any(part in SKIPPED_DIRS for part in path.relative_to(BASE_DIR).parts):
            continue
        if path.is_file() and (path.suffix in SUFFIXES or path.name in NAMES) and path != Path(__file__).resolve():
            yield path


def _flat(text):
    """One line per file: wrapped comments and docstrings put back together (« # » of the next line dropped)."""
    return re.sub(r"\s*\n\s*(?:#\s*)?", " ", text)


def _headings(path):
    return {line.lstrip("#").strip() for line in path.read_text(encoding="utf-8").splitlines() if line[:1] == "#"}


def _section_refs(path, text):
    """(document, cited text after « § ») of every « § » written after a document's name, or, in docs/, of the
    others (a section of the same document)."""
    own = path.name if path.parent == DOCS else None
    for match in SECTION.finditer(text):
        cited = CITED_DOC.search(text[max(0, match.start() - 80) : match.start()])
        doc = f"{cited.group(1)}.md" if cited else own
        if doc is not None:
            yield doc, text[match.end() : match.end() + 120]


def _where(path):
    return str(path.relative_to(BASE_DIR))


def test_every_cited_document_of_docs_exists():
    missing = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        missing += [f"{_where(path)} : docs/{name}" for name in DOC_PATH.findall(text) if not (DOCS / name).exists()]
        if path.suffix == ".md":
            missing += [
                f"{_where(path)} : {link}"
                for link in MARKDOWN_LINK.findall(text)
                if "://" not in link and not (path.parent / link).resolve().exists()
            ]

    assert not missing, "documents introuvables :\n" + "\n".join(missing)


def test_every_cited_section_is_a_heading_of_its_document():
    headings = {doc.name: _headings(doc) for doc in [*DOCS.glob("*.md"), BASE_DIR / "README.md"]}
    wrong = []
    for path in _files():
        for doc, cited in _section_refs(path, _flat(path.read_text(encoding="utf-8", errors="replace"))):
            if doc not in headings:
                wrong.append(f"{_where(path)} : {doc} n'est ni dans docs/ ni le README (« § {cited[:40]}… »)")
            elif not any(cited.startswith(heading) for heading in headings[doc]):
                wrong.append(f"{_where(path)} : aucun titre de docs/{doc} ne commence « § {cited[:50]}… »")

    assert not wrong, "renvois vers une section absente :\n" + "\n".join(wrong)


def test_the_code_cites_no_document_from_outside_the_repository():
    cited = [
        f"{_where(path)} : {match}"
        for path in _files()
        for match in OUTSIDE.findall(path.read_text(encoding="utf-8", errors="replace"))
    ]

    assert not cited, "à remplacer par docs/ :\n" + "\n".join(cited)


def test_the_readme_links_every_document_of_docs():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")

    assert {doc.name for doc in DOCS.glob("*.md")} <= set(DOC_PATH.findall(readme))
