"""qualipref.lib.pdf: the documents are laid out with WeasyPrint's user-agent stylesheet trimmed of what they never
use (footnotes, notes, markers outside list items), and look the same."""

import weasyprint

from qualipref.lib import pdf

LIST = "<!DOCTYPE html><html lang='fr'><body><ul><li>Premier</li><li>Second</li></ul><p>Fin.</p></body></html>"


def _boxes(document):
    return [box for page in document.pages for box in page._page_box.descendants()]


def test_the_lean_stylesheet_is_built_from_the_pinned_weasyprint():
    lean = pdf.lean_user_agent_stylesheet()

    assert lean is not None  # None: WeasyPrint's stylesheet changed, the savings are lost (the documents stay right)
    assert hasattr(weasyprint.HTML, "_ua_stylesheets")  # the method replaced on each document


def test_list_items_keep_their_markers():
    document = pdf.weasy_html(LIST).render()
    tags = [box.element_tag for box in _boxes(document)]

    assert tags.count("li::marker") == 2


def test_a_document_looks_the_same_as_with_weasyprint_s_own_stylesheet():
    stock = weasyprint.HTML(string=LIST, base_url="/", url_fetcher=pdf._static_fetcher()).render()
    lean = pdf.weasy_html(LIST).render()

    def layout(document):
        return [(box.element_tag, box.position_x, box.position_y, box.width, box.height) for box in _boxes(document)]

    assert layout(lean) == layout(stock)
