"""PDF documents from Django templates, through WeasyPrint (imports no app).

``render(template_name, context)`` returns the bytes of the PDF. The documents fetch nothing from the network:
the URL fetcher serves only local static files (``/static/...`` URLs and ``file:`` URLs under the static
folders), so a template cannot make the server request an outside address. Styles are a small print stylesheet of
the template (not dsfr.min.css: too slow to parse); the Marianne font is available through ``static_url`` of its
files (``@font-face``). With collected static files (``DEBUG=0``: manifest storage, hashed names such as
``Marianne-Regular.0e7c3d5c1ea0.woff2``) the file is read from ``STATIC_ROOT``, or found by its original name.
Documents are laid out with WeasyPrint's user-agent stylesheet trimmed of rules they never use (``weasy_html``).
"""

import functools
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string

MIME_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class ForbiddenResource(ValueError):
    pass


def _static_roots():
    roots = [Path(path).resolve() for path in getattr(settings, "STATICFILES_DIRS", [])]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _original_name(name):
    """The source name of a hashed name of the manifest storage (``a/b.0e7c3d5c1ea0.woff2`` -> ``a/b.woff2``)."""
    hashed_files = getattr(staticfiles_storage, "hashed_files", None)
    if not hashed_files:
        return None
    for original, hashed in hashed_files.items():
        if hashed == name:
            return original
    return None


def _find_static(name):
    """The local file of a static name as ``{% static %}`` wrote it: collected into ``STATIC_ROOT`` (under its hashed
    name in production), else found by the finders (by its original name when the URL carries a hash)."""
    root = Path(settings.STATIC_ROOT).resolve() if settings.STATIC_ROOT else None
    if root is not None:
        collected = (root / name).resolve()
        if collected.is_relative_to(root) and collected.is_file():
            return collected
    try:
        found = finders.find(name) or (finders.find(original) if (original := _original_name(name)) else None)
    except SuspiciousFileOperation:  # ``../`` out of a static folder
        return None
    return Path(found) if found else None


def _static_file(url):
    """The local file behind a static URL (``/static/x``, ``file:///.../static/x``), or None."""
    parsed = urlparse(url)
    static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    if parsed.scheme in ("", "http", "https") and parsed.path.startswith(static_prefix):
        return _find_static(unquote(parsed.path[len(static_prefix) :]))
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path)).resolve()
        if path.is_file() and any(path.is_relative_to(root) for root in _static_roots()):
            return path
        relative = unquote(parsed.path)
        if static_prefix in relative:
            return _find_static(relative.split(static_prefix, 1)[1])
    return None


def _static_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """WeasyPrint's fetcher, limited to the project's static files (and inline ``data:`` URLs)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_file(url)
            if path is None:
                raise ForbiddenResource(f"Ressource refusée dans un PDF : {url}")
            content_type = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticFilesFetcher()


# WeasyPrint's user-agent stylesheet, without what no document of the project uses. Its rules on pseudo-elements
# with no element selector (``::footnote-call``, ``::note-marker``...) give every element of a document six
# pseudo-element styles to compute: a third of the cascade of an audit report of 2,500 elements (0.2 s of its 2.3 s).
# Footnotes and notes (``float: footnote``) are not used; markers are those of list items, the only ``list-item`` of
# the stylesheet. The rules are dropped by their exact text: another WeasyPrint keeps its stylesheet as it is.
_UNUSED_UA_RULES = (
    "::footnote-call {",
    "::footnote-marker {",
    "::note-call {",
    "::note-marker {",
    "::note-callback {",
)
_UA_MARKER = ("\n::marker {", "\nli::marker {")


@functools.cache
def lean_user_agent_stylesheet():
    """WeasyPrint's user-agent stylesheet without its rules for footnotes and notes, ``::marker`` scoped to list
    items; None when its text is not the one expected (WeasyPrint's own is then used)."""
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    lines = UA.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(_UNUSED_UA_RULES)]
    text = "".join(kept)
    if len(lines) - len(kept) != len(_UNUSED_UA_RULES) or text.count(_UA_MARKER[0]) != 1:
        return None
    # its @counter-style rules are already in the document's counter styles (WeasyPrint's UA_COUNTER_STYLE)
    return CSS(string=text.replace(*_UA_MARKER), counter_style=CounterStyle())


def weasy_html(html):
    """WeasyPrint's HTML of a document: static files fetched locally only, the lean user-agent stylesheet."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="/", url_fetcher=_static_fetcher())
    lean = lean_user_agent_stylesheet()
    if lean is not None:
        from weasyprint.html import UA_FORM_STYLESHEET

        # no option of WeasyPrint (70) replaces its user-agent stylesheet: its method, on this document only
        document._ua_stylesheets = lambda forms=False: [lean, UA_FORM_STYLESHEET] if forms else [lean]
    return document


def render(template_name, context=None, *, request=None):
    """The PDF (bytes) of a template rendered with ``context``."""
    html = render_to_string(template_name, context or {}, request=request)
    return weasy_html(html).write_pdf()


# --- documents whose production is followed (large audit reports, produced by a Celery task) ----------------

# WeasyPrint and fontTools log every step at INFO: quiet by default, followed only while a document is produced.
PROGRESS_LOGGER = "weasyprint.progress"
logging.getLogger(PROGRESS_LOGGER).setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

# "Step N - ..." of WeasyPrint's progress logger -> share of the work done (layout and PDF writing dominate).
_STEP_SHARES = {"1": 5, "2": 10, "3": 20, "4": 30, "5": 40, "6": 85, "7": 95}


class _ProgressHandler(logging.Handler):
    def __init__(self, callback):
        super().__init__(level=logging.INFO)
        self.callback = callback

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("Step "):
            number = message[5:].split(" ", 1)[0]
            if number in _STEP_SHARES:
                self.callback(_STEP_SHARES[number], message)


def html_to_pdf(html, *, on_progress=None):
    """(PDF bytes, number of pages) of an HTML document whose static files are fetched locally only.

    ``on_progress(percent, message)`` is called at each step of WeasyPrint (parsing, styles, layout page by page,
    writing), for the progress bar of a long production. The same HTML gives the same bytes.
    """
    logger = logging.getLogger(PROGRESS_LOGGER)
    handler = _ProgressHandler(on_progress) if on_progress else None
    previous = logger.level, logger.propagate
    if handler:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # followed by the callback, not written to the console
    try:
        document = weasy_html(html).render()
        return document.write_pdf(), len(document.pages)
    finally:
        if handler:
            logger.removeHandler(handler)
            logger.setLevel(previous[0])
            logger.propagate = previous[1]
