"""What the tests read in the PDF letter answering an item of either register (complaints.deliveries.letter_pdf):
the answer to Amina Benali, 12 allée des Pins, 13800 Istres, given at Arles on 12 March 2026 by the world's agent."""

from tests.pdf_pages import pages


def assert_letter_to_amina_benali(response, tmp_path, *, reference, subject, paragraph, agent):
    """``response``, the letter's download, is one page named after ``reference`` on the letterhead of the
    prefecture of the Bouches-du-Rhône: the address block, place and date, ``reference``, the ``subject`` line, a
    ``paragraph`` of the answer, and the ``agent``'s signature."""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="reponse-{reference}.pdf"'
    (lines,) = pages(response.content, tmp_path)
    assert lines.pop() == "Page 1 sur 1"  # the footer of the printed documents
    text = "\n".join(lines)
    assert lines[:5] == ["RÉPUBLIQUE", "FRANÇAISE", "Liberté", "Égalité", "Fraternité"]
    assert "Préfecture des Bouches-du-Rhône" in lines
    # the address block: the requester's name and address, line by line
    name_at = lines.index("Amina Benali")
    assert lines[name_at + 1 : name_at + 3] == ["12 allée des Pins", "13800 Istres"]
    assert "Sous-préfecture d'Arles, le 12 mars 2026" in text
    assert f"Référence : {reference}" in lines
    assert subject in lines
    assert paragraph in lines
    assert lines[-3:] == [agent.get_full_name(), "Agent d'accueil", "Sous-préfecture d'Arles"]
