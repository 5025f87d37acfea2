"""In a real browser, the keyboard alone on the action plan list (issue 12, « Data must never be lost silently »):
a row opens with « Modifier » and is saved only on an explicit Enter or « Enregistrer »; arrow keys browsing the
status list commit nothing; a partial or malformed due date is never sent (the field says why) and the saved one
stays; a status change is announced and its author can take it back; row 13 is a handful of keys away."""

import datetime
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUE = datetime.date(2027, 4, 30)


@pytest.fixture
def keyboard_actions(demo):
    """Fourteen open actions of Arles (« Action clavier 01 » … « 14 »), in the list's order, due from 30/04/2027."""
    from engagements.demo import actions as demo_actions
    from engagements.models import Action, ActionPlan
    from sites.models import Site

    demo_actions.load()
    site = Site.objects.get(name=demo_actions.ARLES)
    plan = ActionPlan.objects.filter(prefecture=site.prefecture).order_by("-pk").first()
    for number in range(1, 15):
        Action.objects.create(
            plan=plan,
            prefecture=site.prefecture,
            site=site,
            title=f"Action clavier {number:02d}",
            status=Action.Status.IN_PROGRESS,
            progress=50,
            due_on=DUE + datetime.timedelta(days=number - 1),
        )
    return demo


def _action(number):
    from engagements.models import Action

    return Action.objects.get(title=f"Action clavier {number:02d}")


def _posts(page):
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    return sent


def _day_first(page):
    """Whether Chromium's date input shows JJ/MM/AAAA (a French browser) or MM/DD/YYYY (Debian's default one),
    found on a scratch input, so that the test types a date in the order its user sees: call before focusing."""
    page.evaluate(
        """() => document.body.append(
            Object.assign(document.createElement('input'), {type: 'date', value: '2027-04-30', id: 'scratch-date'})
        )"""
    )
    scratch = page.locator("#scratch-date")
    scratch.focus()
    page.keyboard.type("05")
    day_first = scratch.input_value() == "2027-04-05"
    scratch.evaluate("(input) => input.remove()")
    return day_first


def _date_keys(day_first, day, month, year):
    return f"{day}{month}{year}" if day_first else f"{month}{day}{year}"


def _focused(page):
    return page.evaluate("() => document.activeElement.id || document.activeElement.tagName")


def _open_row_13_by_keyboard(page):
    """Skip link « Liste des actions », Tab into the list, 12 × ArrowDown, Enter on « Modifier »: 16 keys."""
    keys = ["Tab", "Tab", "Enter", "Tab"] + ["ArrowDown"] * 12 + ["Enter"]
    for key in keys:
        page.keyboard.press(key)
    row = page.locator("#action-" + str(_action(13).pk))
    expect(row.get_by_label("Statut de « Action clavier 13 »")).to_be_visible()
    return row, len(keys)


def test_a_keyboard_user_edits_row_13s_status_and_due_date_in_a_handful_of_keys(
    page, keyboard_actions, signed_in, artifacts
):
    signed_in("referent-arles")
    page.goto("/qualite/actions/?q=Action+clavier")
    expect(page.locator("tbody tr")).to_have_count(14)
    sent = _posts(page)

    day_first = _day_first(page)
    page.locator("body").focus()
    page.evaluate("() => document.activeElement.blur()")
    row, keys = _open_row_13_by_keyboard(page)
    pk = _action(13).pk
    expect(page.locator(f"#action-{pk}-owner")).to_be_focused()  # the row's first control, once htmx has settled
    artifacts.screenshot(page, "actions-clavier-ligne-13.png")

    page.keyboard.press("Tab")  # the due date, on its day
    assert _focused(page) == f"action-{pk}-due_on"
    page.keyboard.type(_date_keys(day_first, "15", "05", "2027"))  # it moves on by itself
    tabs = 0
    while _focused(page) != f"action-{pk}-status" and tabs < 4:  # past the year and « Sans échéance »
        page.keyboard.press("Tab")
        tabs += 1
    assert _focused(page) == f"action-{pk}-status"
    page.keyboard.press("ArrowDown")  # « Réalisée »: chosen, not saved
    page.wait_for_timeout(300)
    assert sent == []
    page.keyboard.press("Enter")
    keys += 1 + tabs + 2  # the date's 8 digits are what is typed, not keys to get there

    status = page.locator("#inline-status")
    expect(status).to_contain_text("Statut de « Action clavier 13 » : En cours → Réalisée, avancement 100 %")
    action = _action(13)
    assert (action.status, action.progress, action.due_on) == ("done", 100, datetime.date(2027, 5, 15))
    assert len(sent) == 1
    assert keys <= 25  # 74 presses of Tab only reached row 13 before
    undo = page.locator(f"#action-{pk}-undo")
    expect(undo).to_be_focused()
    artifacts.screenshot(page, "actions-clavier-ligne-13-enregistree.png")


def test_arrow_keys_on_the_status_list_commit_nothing_and_escape_closes_the_row(page, keyboard_actions, signed_in):
    signed_in("referent-arles")
    page.goto("/qualite/actions/?q=Action+clavier")
    sent = _posts(page)
    pk = _action(1).pk

    page.locator(f"#action-{pk}-edit").focus()
    page.keyboard.press("Enter")
    status = page.get_by_label("Statut de « Action clavier 01 »")
    status.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#action-{pk} [data-qp-status='abandoned']")).to_be_visible()  # the reason it would need
    page.keyboard.press("Escape")

    expect(page.locator(f"#action-{pk}-edit")).to_be_focused()
    expect(status).to_have_count(0)
    assert sent == []
    assert _action(1).status == "in_progress"


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(["Backspace"], id="jour-efface"),
        pytest.param("31/02", id="31-fevrier"),
        pytest.param(["Backspace", "Tab", "Backspace", "Tab", "Backspace"], id="date-videe"),
    ],
)
def test_a_partial_or_malformed_due_date_is_never_sent_and_the_field_says_why(
    page, keyboard_actions, signed_in, artifacts, keys
):
    signed_in("referent-arles")
    page.goto("/qualite/actions/?q=Action+clavier")
    sent = _posts(page)
    pk = _action(1).pk
    if keys == "31/02":
        keys = list(_date_keys(_day_first(page), "31", "02", ""))
    page.locator(f"#action-{pk}-edit").click()
    due = page.get_by_label("Échéance de « Action clavier 01 » (JJ/MM/AAAA)")
    due.focus()  # on its first segment
    for key in keys:
        page.keyboard.press(key)
    page.keyboard.press("Enter")

    error = page.locator(f"#action-{pk}-due_on-error")
    expect(error).to_contain_text(re.compile(r"Date incomplète ou invalide|L’échéance est vide"))
    expect(error).to_contain_text("Rien n’a été enregistré.")
    expect(due).to_have_attribute("aria-invalid", "true")
    expect(due).to_be_focused()
    expect(page.locator("#inline-status")).to_contain_text("Rien n’a été enregistré.")
    page.wait_for_timeout(300)
    assert sent == []
    assert _action(1).due_on == DUE
    artifacts.screenshot(page, f"actions-date-refusee-{len(keys)}.png")


def test_sans_echeance_is_the_explicit_way_to_clear_a_due_date(page, keyboard_actions, signed_in):
    signed_in("referent-arles")
    page.goto("/qualite/actions/?q=Action+clavier")
    pk = _action(2).pk
    page.locator(f"#action-{pk}-edit").click()
    page.locator(f"label[for='action-{pk}-due_on_clear']").click()  # the DSFR label covers its checkbox
    expect(page.get_by_label("Sans échéance pour « Action clavier 02 »")).to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator("#inline-status")).to_have_text("Modification enregistrée.")
    assert _action(2).due_on is None
    expect(page.locator(f"#action-{pk} .qp-action-row__due")).to_have_text("—")


def test_the_modifier_page_keeps_the_due_date_when_a_partial_one_is_typed(page, keyboard_actions, signed_in):
    """The full « Modifier » page follows the list's rule: an emptied day segment posts an empty date, which is
    refused in French (nothing saved); « Sans échéance » is the way to remove the due date."""
    signed_in("referent-arles")
    pk = _action(3).pk
    page.goto(f"/qualite/actions/{pk}/modifier/")
    page.get_by_label("Intitulé").fill("Action clavier 03 renommée")
    page.get_by_label("Échéance", exact=True).focus()  # on its first segment
    page.keyboard.press("Backspace")
    page.get_by_role("button", name="Enregistrer l’action").click()

    expect(page.locator("#qp-form-errors")).to_be_visible()
    expect(page.locator("main")).to_contain_text("cochez « Sans échéance » pour la retirer")
    assert _action(3).due_on == DUE + datetime.timedelta(days=2)
    expect(page.get_by_label("Intitulé")).to_have_value("Action clavier 03 renommée")  # what was typed stays

    page.get_by_label("Échéance", exact=True).fill("")
    page.locator("label[for='id_due_on_clear']").click()
    page.get_by_role("button", name="Enregistrer l’action").click()

    expect(page).to_have_url(re.compile(rf"/qualite/actions/{pk}/$"))
    from engagements.models import Action

    action = Action.objects.get(pk=pk)
    assert (action.title, action.due_on) == ("Action clavier 03 renommée", None)


def test_a_mistaken_done_is_taken_back_by_its_author_and_the_history_says_so(page, keyboard_actions, signed_in):
    signed_in("referent-arles")
    page.goto("/qualite/actions/?q=Action+clavier")
    pk = _action(3).pk
    page.locator(f"#action-{pk}-edit").click()
    page.get_by_label("Statut de « Action clavier 03 »").select_option(label="Réalisée")
    page.get_by_label("Statut de « Action clavier 03 »").press("Enter")
    undo = page.get_by_role("button", name="Annuler le changement de statut de « Action clavier 03 »")
    expect(undo).to_be_focused()
    assert _action(3).status == "done"

    page.keyboard.press("Enter")

    expect(page.locator("#inline-status")).to_have_text(
        "Changement de statut annulé : « Action clavier 03 » est de nouveau « En cours »."
    )
    expect(page.locator(f"#action-{pk}-edit")).to_be_focused()
    action = _action(3)
    assert (action.status, action.progress, action.completed_on) == ("in_progress", 50, None)
    page.goto(f"/qualite/actions/{pk}/")
    history = page.locator("#historique")
    expect(history).to_contain_text("Annulation d'un changement de statut")
    expect(history.locator("tr", has_text="Statut").first).to_contain_text(re.compile(r"Réalisée\s+En cours"))
