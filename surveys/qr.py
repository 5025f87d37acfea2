"""QR codes of the public questionnaire (segno: pure Python, SVG and PNG)."""

import io

import segno


def make(url):
    return segno.make(url, error="m", micro=False)


def svg_bytes(url, *, scale=10):
    buffer = io.BytesIO()
    make(url).save(buffer, kind="svg", scale=scale, border=2, title="QR code du questionnaire", xmldecl=False)
    return buffer.getvalue()


def png_bytes(url, *, scale=12):
    buffer = io.BytesIO()
    make(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def svg_inline(url, *, scale=10):
    """The QR code as an inline ``<svg>`` (for the printable poster)."""
    return make(url).svg_inline(scale=scale, border=2, title="QR code du questionnaire")
