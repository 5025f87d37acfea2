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
