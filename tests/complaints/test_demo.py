"""The demo data of the register: idempotent, consistent with the rules of the services."""

import pytest
from django.utils import timezone

from complaints import demo
from complaints.models import Complaint, ReplyTemplate

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing(demo_data, db):
    demo.load()
    references = set(Complaint.objects.values_list("reference", flat=True))

    demo.load()

    assert set(Complaint.objects.values_list("reference", flat=True)) == references
    assert ReplyTemplate.objects.count() == 2


def test_the_demo_agent_of_istres_has_an_overdue_and_a_due_this_week_complaint(demo_data, db):
    demo.load()
    today = timezone.localdate()
    istres = Complaint.objects.filter(site__name="Sous-préfecture d'Istres", received_on__year__gte=today.year - 1)

    assert istres.overdue(today).filter(assigned_to__username="agent-istres").count() == 1
    assert istres.due_soon(today).filter(assigned_to__username="agent-istres").count() == 1


def test_2015_references_run_from_1_to_46_and_the_counter_continues_after_them(demo_data, db):
    demo.load()

    references = sorted(Complaint.objects.filter(received_on__year=2015).values_list("reference", flat=True))

    assert references[0] == "REC-13-2015-00001"
    assert references[-1] == "SUG-13-2015-00046"
    assert len(references) == 46


def test_the_demo_reply_template_names_the_site_with_its_article_and_is_signed_by_the_agent(demo_data, db):
    from accounts.models import User
    from complaints import services

    complaint = Complaint.objects.select_related("site", "prefecture", "service").get(
        site__name="Sous-préfecture d'Istres", status=Complaint.Status.RECEIVED
    )
    template = ReplyTemplate.objects.get(title="Réponse à une réclamation")

    text = services.reply_template_render(
        template=template, complaint=complaint, by=User.objects.get(username="agent-istres")
    )

    assert "l'accueil de la sous-préfecture d'Istres" in text
    assert text.endswith("Sophie Roux\nAgent d'accueil\nPréfecture des Bouches-du-Rhône")
    assert "Le responsable qualité" not in text
    assert "[préciser la suite donnée]" in text  # left for the agent: refused until written


def test_an_older_demo_gets_the_new_stock_templates_but_keeps_a_rewritten_one(demo_data, db):
    old, rewritten = (ReplyTemplate.objects.get(title=title) for title in demo.OLD_TEMPLATES)
    ReplyTemplate.objects.filter(pk=old.pk).update(body=demo.OLD_TEMPLATES[old.title])
    ReplyTemplate.objects.filter(pk=rewritten.pk).update(body="{nom},\n\nMerci.\n\nClaire Fabre")

    demo.load()

    assert ReplyTemplate.objects.get(pk=old.pk).body == dict(demo.TEMPLATES)[old.title]
    assert ReplyTemplate.objects.get(pk=rewritten.pk).body == "{nom},\n\nMerci.\n\nClaire Fabre"


@pytest.mark.parametrize("day", ["2026-05-16", "2026-05-25", "2026-07-14"])  # a Saturday, Whit Monday, 14 July
def test_no_letter_of_the_demo_is_answered_after_the_day_it_is_loaded(demo_data, db, day):
    import datetime

    import time_machine

    from complaints.models import Correspondence

    Correspondence.objects.filter(reference__startswith="CHR-2026-").delete()
    with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T10:00:00+02:00"), tick=False):
        demo.load()

    letters = Correspondence.objects.filter(reference__startswith="CHR-2026-")
    assert letters.filter(answered_on__isnull=False).count() == 7
    assert not letters.filter(answered_on__gt=datetime.date.fromisoformat(day)).exists()


def test_the_triage_of_the_demo_is_not_empty_and_loads_once(demo_data, db):
    from complaints.models import InboundMessage, Mailbox

    demo.load()
    demo.load()

    mailbox = Mailbox.objects.get(prefecture__department_id="13")
    assert (mailbox.is_active, mailbox.password_env, mailbox.rules.count()) == (False, "IMAP_PASSWORD_13", 1)
    assert sorted(InboundMessage.objects.values_list("status", flat=True)) == ["quarantined", "triage"]
