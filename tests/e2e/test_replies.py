"""In a real browser: answers that leave the application. An agent answers a complaint left on the web with the
prefecture's reply template, the keyboard alone: the passage of the template left to write is refused, then the
answer is e-mailed by the worker's task to a real SMTP server (tests/smtp.py) and the complaint shows it sent. On a
375-px phone, a letter is answered and its reply prints as a PDF on the prefecture's letterhead, read back page by
page. axe-core checks each page state (tests/e2e/page_checks.py)."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import PHONE
from tests.smtp import smtp_inbox  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESPONSE_END = "Un second agent renforcera l'accueil le matin à partir du mois prochain."


def _open_item(page, register, reference):
    page.goto(register)
    page.get_by_role("link", name=reference).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def test_an_agent_answers_a_web_complaint_with_the_keyboard_and_the_requester_receives_it(
    page,
    demo,
    signed_in,
    smtp_inbox,  # noqa: F811 - the fixture imported above
):
    from complaints import tasks
    from complaints.models import Complaint, ReplyDelivery

    complaint = (
        Complaint.objects.open()
        .filter(prefecture__department_id="13")
        .exclude(requester_email="")
        .order_by("pk")
        .first()
    )
    signed_in("qualite13")
    _open_item(page, "/reclamations/", complaint.reference)
    page.get_by_role("link", name="Répondre").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Répondre à {complaint.reference}")
    expect(page.locator("#envoi-courriel")).to_contain_text(f"envoyée par courriel à {complaint.requester_email}")
    page.checks.check_pending()

    # The reply template, chosen and applied from the keyboard (GET ?modele=: works without JavaScript).
    picker = page.get_by_label("Modèle de réponse", exact=True)
    picker.focus()
    for _ in range(10):  # down the list to the template of a complaint (its options: the prefecture's library)
        page.keyboard.press("ArrowDown")
        if picker.evaluate("select => select.selectedOptions[0].text") == "Réponse à une réclamation":
            break
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Utiliser ce modèle")).to_be_focused()
    page.keyboard.press("Enter")
    answer = page.get_by_label("Réponse apportée")
    expect(answer).to_contain_text(complaint.reference)  # the placeholders filled for this complaint
    expect(answer).to_contain_text("[préciser la suite donnée]")

    # Saved as it is, the passage left to write is refused; the text typed so far stays.
    page.get_by_role("button", name="Enregistrer la réponse").focus()
    page.keyboard.press("Enter")
    summary = page.locator("[data-qp-form-errors]")
    expect(summary).to_be_focused()
    expect(page.locator("#id_response-desc-error")).to_contain_text("« [préciser la suite donnée] »")
    expect(answer).to_contain_text(complaint.reference)
    page.checks.check_pending()
    assert not ReplyDelivery.objects.filter(complaint=complaint).exists()

    answer.fill(answer.input_value().replace("[préciser la suite donnée]", RESPONSE_END))
    page.keyboard.press("Tab")  # from the answer to its button
    expect(page.get_by_role("button", name="Enregistrer la réponse")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".fr-alert--success, .fr-alert--info").first).to_contain_text(
        f"Réponse enregistrée pour {complaint.reference}"
    )
    expect(page.locator("#envois [data-delivery-status]")).to_have_attribute("data-delivery-status", "pending")

    # What the worker runs once the outbox has handed the task to the broker.
    delivery = ReplyDelivery.objects.get(complaint=complaint)
    assert tasks.send_reply.apply(args=[delivery.pk]).get() == "sent"
    ((recipients, message),) = smtp_inbox.messages
    assert recipients == [complaint.requester_email]
    text = message.get_body(("plain",)).get_content()
    assert RESPONSE_END in text and complaint.reference in text and "[" not in text

    page.reload()
    expect(page.locator("#envois [data-delivery-status]")).to_have_attribute("data-delivery-status", "sent")
    expect(page.locator("#envois")).to_contain_text(f"à {complaint.requester_email}")
    page.checks.check_pending()


def _pdf_pages(download, tmp_path):
    """The text of each page of the downloaded PDF, and the pages rendered as PNG (pdftoppm) to be sure they draw."""
    path = tmp_path / "lettre.pdf"
    download.save_as(path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    return text.split("\f")[:-1], sorted(tmp_path.glob("page*.png"))


def test_a_letter_answered_on_a_phone_prints_on_the_prefecture_letterhead(page, demo, signed_in, tmp_path):
    from complaints.models import Correspondence

    item = (
        Correspondence.objects.filter(prefecture__department_id="13", kind="letter", answered_on__isnull=True)
        .exclude(reference="")
        .order_by("pk")
        .first()
    )
    item.sender, item.sender_address = "M. Paul Girard", "4 rue des Arènes\n13200 Arles"
    item.save(update_fields=["sender", "sender_address"])
    page.set_viewport_size(PHONE)
    signed_in("qualite13")
    page.goto(f"/courriers/{item.pk}/")
    page.get_by_role("link", name="Répondre").first.click()
    expect(page.locator("#envoi-lettre")).to_contain_text("s’imprime ensuite en lettre")
    page.get_by_label("Réponse apportée").fill("Votre duplicata vous sera remis au guichet de la sous-préfecture.")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.locator(".fr-alert--success, .fr-alert--info").first).to_contain_text("Réponse enregistrée")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.checks.check_pending()

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Lettre de réponse")).click()
    pages, images = _pdf_pages(download_info.value, tmp_path)
    assert len(pages) == len(images) >= 1
    letter = re.sub(r"\s+", " ", " ".join(pages))
    assert "Préfecture des Bouches-du-Rhône" in letter
    assert "M. Paul Girard" in letter and "13200 Arles" in letter
    assert item.reference in letter
    assert "Votre duplicata vous sera remis au guichet de la sous-préfecture." in letter
