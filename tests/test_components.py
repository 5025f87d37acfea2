"""The template components of qualipref/templatetags/components.py: what they render, and a colour for every status."""

import re

import pytest
from django.apps import apps
from django.template import Context, Template, TemplateSyntaxError

from qualipref.templatetags.components import STATUS_BADGES


def render(source, **context):
    return Template("{% load components %}" + source).render(Context(context))


def test_table_wrapper_wraps_the_page_s_table_in_the_dsfr_divs_with_its_parameters_only():
    html = render(
        '{% with id="leak" %}{% table_wrapper classes="fr-table--sm" %}<table><caption>{{ c }}</caption></table>'
        "{% endtable_wrapper %}{% endwith %}",
        c="<b>",
    )
    assert '<div class="fr-table fr-table--sm">' in html
    assert "leak" not in html  # the page's variables do not reach the component
    assert '<div class="fr-table__content"><table><caption>&lt;b&gt;</caption></table></div>' in html


def test_filter_form_ends_its_row_with_the_button_and_refuses_an_unknown_parameter():
    html = render('{% filter_form label="Filtrer les sites" %}<div class="fr-col-12">X</div>{% endfilter_form %}')
    assert 'aria-label="Filtrer les sites"' in html
    assert "fr-icon-filter-line fr-btn--icon-left" in html
    assert html.index("X") < html.index("Filtrer</button>")
    with pytest.raises(TemplateSyntaxError):
        render('{% filter_form lable="typo" %}{% endfilter_form %}')


@pytest.mark.parametrize("label", sorted(STATUS_BADGES))
def test_every_status_has_a_badge_colour_from_the_mapping(label):
    # Every key names a real status (a renamed one would fall back to "*" unseen); "*" covers the others.
    model = apps.get_model(label)
    colours = STATUS_BADGES[label]
    assert "*" in colours
    assert set(colours) - {"*"} <= {value for value, _ in model.Status.choices}


def test_status_badge_renders_the_label_in_its_colour():
    model = apps.get_model("audits.audit")
    audit = model(status=model.Status.PLANNED)
    html = render("{% status_badge audit small=True %}", audit=audit)
    assert html.strip() == '<p class="fr-badge fr-badge--sm fr-badge--new">Planifié</p>'
    audit.status = model.Status.CLOSED
    assert render('{% status_badge audit element="span" %}', audit=audit).strip() == (
        '<span class="fr-badge fr-badge--no-icon">Clos</span>'
    )


def test_table_wrapper_follows_a_list_of_several_pages_with_its_pagination(rf):
    from django.core.paginator import Paginator

    request = rf.get("/sites/", {"kind": "x"})
    source = "{% table_wrapper page=page %}<table></table>{% endtable_wrapper %}"
    several = render(source, page=Paginator(range(30), 10).page(2), request=request)
    assert 'class="fr-pagination"' in several
    assert "?kind=x&amp;page=3" in several  # the filters are kept: the DSFR tag reads the page's request
    assert "fr-pagination" not in render(source, page=Paginator(range(5), 10).page(1), request=request)


def test_inline_checkbox_is_checked_by_its_list_or_by_the_query(rf):
    source = '{% include "components/inline_checkbox.html" with name="mine" value="true" id="m" label="M" query=q %}'
    assert " checked>" in render(source, q=rf.get("/", {"mine": "true"}).GET)
    assert " checked>" not in render(source, q=rf.get("/", {"mine": "false"}).GET)
    listed = (
        '{% include "components/inline_checkbox.html" with name="s" value="done" id="s" label="R" selected_values=v %}'
    )
    assert " checked>" in render(listed, v=["todo", "done"])
    assert " checked>" not in render(listed, v=["todo"])


def test_table_head_renders_one_column_header_a_text_and_skips_the_columns_not_shown():
    html = render('{% table_head "Audit" "Préfecture"|when:shown "Statut" %}', shown=False)
    assert html.count('<th scope="col">') == 2
    assert "Préfecture" not in html
    assert '<th scope="col">Préfecture</th>' in render('{% table_head "Préfecture"|when:shown %}', shown=True)


def test_panel_names_its_section_by_its_title_and_is_a_link_target_only_when_asked():
    html = render('{% panel title="Suivi" id="suivi" %}<dl></dl>{% endpanel %}')
    assert 'aria-labelledby="suivi-title"' in html and '<h2 class="fr-h5" id="suivi-title">Suivi</h2>' in html
    assert 'id="suivi"' not in html
    assert 'id="suivi"' in render('{% panel title="Suivi" id="suivi" anchor=True %}{% endpanel %}')


def test_hx_replace_gives_the_htmx_attributes_of_an_element_replaced_by_its_answer():
    html = render('<form {% hx_replace url "cell" 3 "a&b" action=True sync="this:drop" %}>', url="/x?y=1&z=2")
    assert html == (
        '<form action="/x?y=1&amp;z=2" hx-post="/x?y=1&amp;z=2" hx-target="#cell-3-a&amp;b" hx-swap="outerHTML"'
        ' hx-sync="this:drop">'
    )
    assert render('{% hx_replace "/r" "row" 1 method="get" %}') == 'hx-get="/r" hx-target="#row-1" hx-swap="outerHTML"'


def test_matrix_table_writes_a_row_of_cells_for_each_row_from_its_cells_or_the_columns():
    source = (
        '{% matrix_table rows=rows cells="1" caption="Jours" caption_class="fr-sr-only" id="t" %}'
        '<th scope="col">Jour</th>{% matrix_row %}<th scope="row">{{ row.0 }}</th>'
        "{% matrix_cell %}<td>{{ cell }}</td>{% endmatrix_table %}"
    )
    html = render(source, rows=[("lundi", [1, 2]), ("mardi", ["<b>"])])
    assert '<div class="fr-table" id="t">' in html
    assert '<caption class="fr-sr-only">Jours</caption>' in html
    flat = "".join(html.split())
    assert '<tr><thscope="col">Jour</th></tr></thead>' in flat
    assert '<tr><thscope="row">lundi</th><td>1</td><td>2</td></tr>' in flat
    assert '<tr><thscope="row">mardi</th><td>&lt;b&gt;</td></tr>' in flat
    by_column = render(
        "{% matrix_table rows=rows columns=sites %}{% matrix_row %}<th>{{ row }}</th>"
        "{% matrix_cell %}<td>{{ row }}{{ cell }}</td>{% endmatrix_table %}",
        rows=["a", "b"],
        sites=["x", "y"],
    )
    assert "<td>ax</td><td>ay</td>" in "".join(by_column.split()) and "<caption>" in by_column
    with pytest.raises(TemplateSyntaxError):
        render('{% matrix_table rows=rows cells="1" columns=c %}{% matrix_row %}{% matrix_cell %}{% endmatrix_table %}')


def test_card_has_a_footer_only_when_its_footer_section_writes_something():
    source = (
        '{% card title="Titre" id="c" %}Texte{% card_footer %}{% if link %}<a href="/">Lien</a>{% endif %}{% endcard %}'
    )
    with_link = render(source, link=True)
    assert '<div class="fr-card fr-card--no-arrow" id="c">' in with_link
    assert '<div class="fr-card__footer"><a href="/">Lien</a></div>' in with_link
    assert '<div class="fr-card__desc">Texte</div>' in with_link
    assert "fr-card__footer" not in render(source, link=False)
    assert "fr-card__title" not in render("{% card %}<p>x</p>{% endcard %}")
    with pytest.raises(TemplateSyntaxError):
        render("{% card %}{% card_footer %}{% card_footer %}{% endcard %}")


def test_callout_writes_its_title_before_the_page_s_text():
    html = render(
        '{% callout title="Aucun audit" classes="fr-mt-4w" %}<p class="fr-callout__text">T</p>{% endcallout %}'
    )
    assert '<div class="fr-callout fr-mt-4w">' in html
    assert html.index('<h2 class="fr-callout__title">Aucun audit</h2>') < html.index("T</p>")


def test_button_link_is_a_link_to_a_page_drawn_as_a_button_in_a_list_item_when_asked():
    html = render('{% button_link "Modifier" "complaint_edit" 7 icon="edit-line" kind="secondary" item=True %}')
    assert html == (
        '<li><a class="fr-btn fr-btn--secondary fr-icon-edit-line fr-btn--icon-left" href="/reclamations/7/modifier/">'
        "Modifier</a></li>"
    )
    assert render('{% button_link "Nouvelle" "complaint_create" %}').startswith('<a class="fr-btn" href="')


def test_list_header_puts_the_page_s_buttons_on_the_right_only_when_its_body_writes_some():
    source = (
        '{% list_header heading=title lead="Le chapeau." %}{% if can_create %}'
        '{% button_link "Nouvelle réunion" "meeting_create" icon="add-line" %}{% endif %}{% endlist_header %}'
    )
    html = render(source, title="Réunions <qualité>", can_create=True)
    assert '<h1 class="fr-mb-1w">Réunions &lt;qualité&gt;</h1>' in html
    assert html.index("Le chapeau.") < html.index('<div class="fr-col-auto"><a class="fr-btn fr-icon-add-line')
    assert "fr-col-auto" not in render(source, title="Réunions", can_create=False)


def test_detail_header_writes_the_kicker_title_and_badges_then_the_page_s_buttons_on_the_right():
    source = (
        "{% detail_header heading=title kicker=reference %}<li>Badge</li>{% detail_header_buttons %}"
        '{% if can_manage %}<div class="fr-col-auto">Bouton</div>{% endif %}{% enddetail_header %}'
    )
    html = render(source, title="Guide <d’accueil>", reference="GUIDE-1", can_manage=True)
    assert html.index('<p class="fr-mb-1v">GUIDE-1</p>') < html.index(
        '<h1 class="fr-mb-1w">Guide &lt;d’accueil&gt;</h1>'
    )
    assert html.index("<li>Badge</li>") < html.index('<div class="fr-col-auto">Bouton</div>')
    assert "fr-col-auto" not in render(source, title="Guide", can_manage=False)
    assert "fr-mb-1v" not in render(source, title="Guide")


def _menu(current):
    return [
        {"label": "Tableau de bord", "url": "/comptes/tableau-de-bord/", "current": current == "home"},
        {
            "label": "Usagers",
            "children": [{"label": "Courriers", "url": "/courriers/", "current": current == "letters"}],
            "current": current == "letters",
        },
    ]


def test_main_menu_is_rendered_once_per_different_menu(monkeypatch):
    from qualipref.templatetags import components

    monkeypatch.setattr(components, "_MAIN_MENUS", {})
    menu = Template("{% load components %}{% main_menu qp_menu %}")
    home = menu.render(Context({"qp_menu": _menu("home")}))
    assert re.search(r'href="/comptes/tableau-de-bord/"\s+target="_self"\s+aria-current="page">', home)
    assert 'aria-controls="qp-menu-2"' in home and "Courriers</a>" in home
    monkeypatch.setattr(components, "get_template", lambda name: pytest.fail("rendered again"))
    assert menu.render(Context({"qp_menu": _menu("home")})) == home
    monkeypatch.undo()
    monkeypatch.setattr(components, "_MAIN_MENUS", {})
    letters = menu.render(Context({"qp_menu": _menu("letters")}))
    assert 'aria-current="true">Usagers</button>' in letters and letters != home


def test_main_menu_escapes_its_labels():
    menu = [{"label": "<b>Plan d'action</b>", "url": "/qualite/actions/", "current": False}]
    html = Template("{% load components %}{% main_menu qp_menu %}").render(Context({"qp_menu": menu}))
    assert "&lt;b&gt;Plan d&#x27;action&lt;/b&gt;" in html
