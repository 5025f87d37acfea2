"""The DSFR pieces every page repeats, written once: ``{% load components %}``.

- ``{% table_wrapper classes="fr-table--sm" id="x" page=page_obj %}<table>…</table>{% endtable_wrapper %}``: the
  four nested ``div`` of a DSFR table around the page's own ``<table>`` (caption, scope and rows stay in the page),
  and the list's pagination after it.
- ``{% filter_form label="Filtrer les sites" %}<div class="fr-col-12 fr-col-md-4">{{ form.x.as_field_group }}</div>
  …{% endfilter_form %}``: a GET form whose fields sit in one DSFR grid row, ended by its submit button.
- ``{% card title="Adresse" icon="map-pin-2-line" %}<p>…</p>{% card_footer %}<a …>…</a>{% endcard %}``: a DSFR
  card without a link, and its footer when it has one.
- ``{% list_header heading=title lead="…" %}{% button_link "Nouvelle réunion" "meeting_create" icon="add-line" %}
  {% endlist_header %}``: the top of a list page, its title and lead, and its buttons on the right.
- ``{% detail_header heading=event.title %}<li>…badge…</li>{% detail_header_buttons %}<div class="fr-col-auto">
  {% button_link "Modifier" "crisis_event_edit" event.pk icon="edit-line" kind="secondary" %}</div>
  {% enddetail_header %}``: the top of an object's page, its title and badges, and its buttons on the right.
- ``{% callout title="Aucun audit pour l’instant" %}<p class="fr-callout__text">…</p>{% endcallout %}``: a DSFR
  callout with its h2 title (a list's empty state).
- ``{% panel title="Suivi" id="suivi" %}<dl>…</dl>{% endpanel %}``: a grey section with its h5 title, beside a
  page's main column.
- ``{% skiplinks menu=qp_menu %}<li>…</li>{% endskiplinks %}`` and ``{% brand_header %}…{% endbrand_header %}``:
  the skip links and the header without tools (public pages, the 500 page).
- ``{% status_badge audit small=True %}``: the DSFR badge of a status, its colour read from ``STATUS_BADGES``.
- ``{% table_head "Audit" "Préfecture"|when:show_prefecture "Statut" %}``: the ``<thead>`` of a table whose column
  headers are plain texts; an empty one (``when`` false) is no column.
- ``<form method="post" {% hx_replace url "cell" e s action=True %}>``: the htmx attributes of an element whose
  request answers the fragment that replaces ``#cell-<e>-<s>``.
- ``{% matrix_table rows=heatmap.rows cells="1" caption="…" %}<th scope="col">Jour</th>…{% matrix_row %}<th
  scope="row">{{ row.0 }}</th>{% matrix_cell %}<td>{{ cell }}</td>{% endmatrix_table %}``: a table of rows ×
  columns (the head row, then for each row its leading cells and one cell an item of its ``cells``).
- ``{% button_link "Modifier" "complaint_edit" complaint.pk icon="edit-line" kind="secondary" item=True %}``: a
  link drawn as a DSFR button (with its icon), in a list item of a buttons group with ``item=True``.
- ``request.GET|query_value:"mine"``: a query parameter, None when absent.

A block component renders its template with its parameters only (every one declared with its default, so that the
template never reads a variable of the page), the page's request, and the rendered body as ``content``. The
components without a body are plain includes in templates/components/ (their comment says their parameters).
"""

from dataclasses import dataclass

from django import template
from django.template.base import Variable, token_kwargs
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()


class BlockComponentNode(template.Node):
    child_nodelists = ("nodelist",)  # a {% block %} inside the body is still seen by {% extends %}

    def get_nodes_by_type(self, nodetype):
        nodes = super().get_nodes_by_type(nodetype)
        for nodelist in self.sections.values():
            nodes.extend(nodelist.get_nodes_by_type(nodetype))
        return nodes

    def __init__(self, template_name, defaults, kwargs, nodelist, sections=None):
        self.template_name = template_name
        self.defaults = defaults
        self.kwargs = kwargs
        self.nodelist = nodelist
        self.sections = sections or {}  # name: the nodelist after {% <component>_<name> %}

    def render(self, context):
        values = dict(self.defaults)
        for key, expression in self.kwargs.items():
            # As {% if %} does: a variable the page does not have (qp_menu for a visitor) is the default.
            value = expression.resolve(context, ignore_failures=True)
            if value is not None:
                values[key] = value
        values["content"] = self.nodelist.render(context)  # a SafeString: the body was escaped as it rendered
        for section, nodelist in self.sections.items():
            values[section] = nodelist.render(context)
        values["request"] = context.get("request")  # as every template has it (DSFR tags read it)
        component = context.template.engine.get_template(self.template_name)
        return component.render(context.new(values))


def block_component(name, template_name, sections=(), **defaults):
    """Registers ``{% name key=value … %}…{% endname %}``, which renders ``template_name`` with the parameters
    (``defaults`` lists the accepted ones) and the body as ``content``; the body may end with ``{% name_<section> %}…``
    for each of ``sections`` in turn, each rendered as that parameter ("" when absent)."""

    def compile_tag(parser, token):
        bits = token.split_contents()[1:]
        kwargs = token_kwargs(bits, parser, support_legacy=False)
        if bits:
            raise template.TemplateSyntaxError(f"{{% {name} %}} takes key=value parameters only, not {bits}")
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise template.TemplateSyntaxError(f"{{% {name} %}}: unknown parameters {sorted(unknown)}")
        ends = [f"{name}_{section}" for section in sections] + [f"end{name}"]
        nodelist = parser.parse(ends)
        found = {}
        while (tag := parser.next_token().contents) != f"end{name}":
            section = tag.removeprefix(f"{name}_")
            ends = ends[ends.index(tag) + 1 :]  # the sections come in their order, each once
            found[section] = parser.parse(ends)
        return BlockComponentNode(template_name, defaults | dict.fromkeys(sections, ""), kwargs, nodelist, found)

    register.tag(name, compile_tag)


# classes: added to fr-table (fr-table--sm, fr-table--no-caption, a qp- class); id: the anchor of the table;
# page: a Page of a paginated list, whose DSFR pagination follows the table when there is more than one page.
block_component("table_wrapper", "components/table.html", classes="", id="", page=None)

# label: the form's accessible name; button and icon (a DSFR icon name, "" for none): its submit button;
# button_col: the width of the button's column from md up; spacing: the margin below; role: "search" for a search;
# note: a sentence under the row.
block_component(
    "filter_form",
    "components/filter_form.html",
    label="",
    button="Filtrer",
    icon="filter-line",
    button_col="fr-col-md-2",
    spacing="fr-mb-4w",
    role="",
    note="",
)

# title: the card's h2 ("": the body writes its own); icon: a DSFR icon name before it; desc: False when the body lays
# out its own fr-card__desc; id: the card's. {% card_footer %}: what follows goes in the card's footer.
block_component("card", "components/card.html", sections=("footer",), title="", icon="", desc=True, id="")

# The top of a list page: heading (its h1) and lead (the sentence under it, optional) on the left; the body, the page's
# buttons (a button_link, a fr-btns-group), on the right when it writes something.
block_component("list_header", "components/list_header.html", heading="", lead="")

# The top of an object's page: heading (its h1) and kicker (a line above it, optional) on the left, the body being the
# <li> badges under the title; {% detail_header_buttons %}: the page's buttons on the right, each in its fr-col-auto.
block_component("detail_header", "components/detail_header.html", sections=("buttons",), heading="", kicker="")

# title: the callout's h2; classes: added to fr-callout (a margin). The body: its fr-callout__text and buttons.
block_component("callout", "components/callout.html", title="", classes="")

# title: the section's h2 (fr-h5), whose id is id-title; anchor: the section's own id is id (a link's target);
# classes: added to the section (fr-mb-3w).
block_component("panel", "components/panel.html", title="", id="", anchor=False, classes="")

# The page chrome. skiplinks: the page's own links go in the body; menu: the header has the navigation; footer: the
# page has one. brand_header: a header without tools (public pages, the 500 page), the service in the body.
block_component("skiplinks", "components/skiplinks.html", menu=False, footer=True)
block_component("brand_header", "components/brand_header.html", enlarge=True)


class MatrixTableNode(template.Node):
    child_nodelists = ("head", "row", "cell")

    def __init__(self, kwargs, head, row, cell):
        self.kwargs = kwargs
        self.head, self.row, self.cell = head, row, cell

    def render(self, context):
        values = {key: expression.resolve(context, ignore_failures=True) for key, expression in self.kwargs.items()}
        rows = values.pop("rows") or ()
        cells, columns = values.pop("cells", None), values.pop("columns", None)
        rendered = []
        for row in rows:
            with context.push(row=row):
                items = Variable(f"row.{cells}").resolve(context) if cells is not None else columns
                lead = self.row.render(context)
                body = []
                for item in items:
                    with context.push(cell=item):
                        body.append(self.cell.render(context))
            rendered.append((lead, body))
        component = context.template.engine.get_template("components/matrix_table.html")
        table = {"caption": "", "caption_class": "", "classes": "", "id": ""} | values
        return component.render(context.new(table | {"head": self.head.render(context), "rows": rendered}))


@register.tag
def matrix_table(parser, token):
    """``{% matrix_table rows=… cells="dimensions" caption="…" caption_class="fr-sr-only" classes="…" id="…" %}
    head {% matrix_row %} row {% matrix_cell %} cell {% endmatrix_table %}``: a DSFR table of ``rows`` (in
    table_wrapper with ``classes`` and ``id``) whose head row is the ``head`` cells; each row is its ``row`` cells
    (``row`` being the item of ``rows``), then one ``cell`` for each item of the row's ``cells`` (a lookup in the
    row: "dimensions", "1" for the second item of a tuple) or, with ``columns=`` instead, of that list for every
    row, ``cell`` being the item."""
    bits = token.split_contents()[1:]
    kwargs = token_kwargs(bits, parser, support_legacy=False)
    unknown = set(kwargs) - {"rows", "cells", "columns", "caption", "caption_class", "classes", "id"}
    if bits or unknown or "rows" not in kwargs or ("cells" in kwargs) == ("columns" in kwargs):
        raise template.TemplateSyntaxError(
            "{% matrix_table %} takes rows= and one of cells= or columns=, and caption, caption_class, classes, id"
        )
    head = parser.parse(("matrix_row",))
    parser.delete_first_token()
    row = parser.parse(("matrix_cell",))
    parser.delete_first_token()
    cell = parser.parse(("endmatrix_table",))
    parser.delete_first_token()
    return MatrixTableNode(kwargs, head, row, cell)


@register.inclusion_tag("components/table_head.html")
def table_head(*columns):
    """The head row of a table: one ``<th scope="col">`` a non-empty text of ``columns``, in order."""
    return {"columns": [column for column in columns if column]}


@register.simple_tag
def hx_replace(url, *target, method="post", trigger="", sync="", action=False):
    """The htmx attributes of an element whose request (``hx-post``, or ``hx-get`` with ``method="get"``, to ``url``)
    answers the fragment that replaces the element ``#target`` (its id: the parts of ``target`` joined by "-"); the
    form's own ``action`` too with ``action=True`` (posted the same without JavaScript). ``trigger`` and ``sync``:
    hx-trigger and hx-sync when given."""
    attributes = [("action", url)] if action else []
    attributes.append((f"hx-{method}", url))
    if trigger:
        attributes.append(("hx-trigger", trigger))
    attributes += [("hx-target", "#" + "-".join(str(part) for part in target)), ("hx-swap", "outerHTML")]
    if sync:
        attributes.append(("hx-sync", sync))
    return format_html_join(" ", '{}="{}"', attributes)


@register.simple_tag
def button_link(label, url_name, *args, icon="", kind="", item=False):
    """A link to the page ``url_name`` (with ``args``) drawn as a DSFR button: ``kind`` secondary or tertiary, ``icon``
    a DSFR icon name on its left; in an ``<li>`` with ``item=True`` (a fr-btns-group)."""
    classes = "fr-btn" + (f" fr-btn--{kind}" if kind else "") + (f" fr-icon-{icon} fr-btn--icon-left" if icon else "")
    link = format_html('<a class="{}" href="{}">{}</a>', classes, reverse(url_name, args=args), label)
    return format_html("<li>{}</li>", link) if item else link


@register.filter
def when(value, condition):
    """``value`` when ``condition`` holds, else "" (a column of ``table_head`` shown only then)."""
    return value if condition else ""


@register.filter
def query_value(query, name):
    """The value of a query parameter (``request.GET|query_value:"mine"``), None when absent."""
    return query.get(name) if query else None


@dataclass(frozen=True)
class Badge:
    colour: str = ""  # a DSFR badge variant (success, info, new, warning, error); "" is the grey one
    icon: bool = True  # False adds fr-badge--no-icon


SUCCESS, INFO, NEW, WARNING, GREY = Badge("success"), Badge("info"), Badge("new"), Badge("warning"), Badge()

# The colour of each status, by model (``app_label.model_name``); the "*" entry is every other status.
STATUS_BADGES = {
    "audits.audit": {
        "planned": NEW,
        "delivered": SUCCESS,
        "responded": SUCCESS,
        "closed": Badge(icon=False),
        "*": INFO,
    },
    "complaints.complaint": {"received": NEW, "in_progress": INFO, "answered": SUCCESS, "*": GREY},
    "engagements.action": {
        "todo": Badge("info", icon=False),
        "in_progress": Badge("new", icon=False),
        "done": Badge("success", icon=False),
        "verified": SUCCESS,
        "*": GREY,
    },
    # Versions of a quality document: the one in force stands out, the replaced and archived ones are grey.
    "engagements.documentversion": {
        "approved": SUCCESS,
        "in_review": Badge("info", icon=False),
        "draft": Badge("new", icon=False),
        "*": Badge(icon=False),
    },
    "engagements.labelling": {
        "granted": SUCCESS,
        "renewal": SUCCESS,
        "refused": WARNING,
        "ended": GREY,
        "*": Badge("info", icon=False),
    },
    "surveys.campaign": {"open": SUCCESS, "draft": INFO, "*": GREY},
    # Late items of the programme stand out: the error badge, with its icon, and its word « En retard ».
    "planning.planneditem": {"done": SUCCESS, "late": Badge("error"), "current": INFO, "*": Badge(icon=False)},
}


BADGE_ELEMENTS = ("p", "span")


@register.simple_tag
def status_badge(obj, small=False, element="p"):
    """The badge of ``obj.status`` (its label, in its colour); ``element="span"`` inside a paragraph. Written in
    Python, with the markup of the template it replaces (tests/test_components.py): a template per row cost a list
    page of 50 rows about a fifth of its rendering."""
    if element not in BADGE_ELEMENTS:
        raise ValueError(f"status_badge: element {element!r} (p or span)")
    colours = STATUS_BADGES[obj._meta.label_lower]
    badge = colours.get(obj.status, colours["*"])
    classes = "fr-badge" + (" fr-badge--sm" if small else "") + (f" fr-badge--{badge.colour}" if badge.colour else "")
    classes += "" if badge.icon else " fr-badge--no-icon"
    return format_html('\n<{0} class="{1}">{2}</{0}>\n', element, classes, obj.get_status_display())


# The HTML of each main menu rendered, by what it shows (a few per role and section of the site): the header's menu
# was a third of the layout's rendering (its loops and conditions, some 20 links): the header took 0.52-0.55 ms,
# 0.22-0.25 ms with the menu kept (in process, DEBUG off).
_MAIN_MENUS = {}
_MAIN_MENUS_KEPT = 1024


def _main_menu_key(menu):
    return tuple(
        (
            item["label"],
            item.get("url"),
            item["current"],
            tuple((link["label"], link["url"], link["current"]) for link in item.get("children", ())),
        )
        for item in menu
    )


@register.simple_tag
def main_menu(menu):
    """The header's main navigation (components/main_menu.html) for ``qp_menu``: rendered once per different menu
    (labels, addresses, current item) in the process, the same HTML afterwards."""
    key = _main_menu_key(menu or ())
    html = _MAIN_MENUS.get(key)
    if html is None:
        html = get_template("components/main_menu.html").render({"qp_menu": menu})
        if len(_MAIN_MENUS) < _MAIN_MENUS_KEPT:
            _MAIN_MENUS[key] = html
    return html
