"""Action plans: creation, edits, the current plan of a prefecture."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from engagements.models import ActionPlan, Labelling
from qualipref.lib.models import refuse_other_fields

# --- action plans ---------------------------------------------------------------------------------


def _check_labelling(labelling, prefecture):
    if labelling is not None and labelling.prefecture_id != prefecture.pk:
        raise ValidationError({"labelling": "Ce cycle de labellisation appartient à une autre préfecture."})


@transaction.atomic
def action_plan_create(*, by, prefecture, title, labelling=None) -> ActionPlan:
    if not access.can_manage_action_plans(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture crée ses plans d'action.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Indiquez l'intitulé du plan d'action."})
    _check_labelling(labelling, prefecture)
    plan = ActionPlan(prefecture=prefecture, labelling=labelling, title=title)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def action_plan_update(*, by, plan, **fields) -> ActionPlan:
    if not access.can_manage_action_plans(by, plan.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses plans d'action.")
    refuse_other_fields(fields, {"title", "labelling"})
    if "title" in fields:
        plan.title = (fields["title"] or "").strip()
        if not plan.title:
            raise ValidationError({"title": "Indiquez l'intitulé du plan d'action."})
    if "labelling" in fields and fields["labelling"] != plan.labelling:
        labelling = fields["labelling"]
        _check_labelling(labelling, plan.prefecture)
        if labelling is not None:
            foreign = plan.actions.exclude(engagement__isnull=True).exclude(
                engagement__referential_id=labelling.referential_id
            )
            if foreign.exists():
                raise ValidationError(
                    {"labelling": "Des actions de ce plan relèvent d'engagements d'un autre référentiel que ce cycle."}
                )
        plan.labelling = labelling
    plan.full_clean()
    plan.save()
    return plan


def current_plan(prefecture):
    """The plan new actions go to by default: the one of the running cycle, else the most recent."""
    plans = ActionPlan.objects.filter(prefecture=prefecture)
    running = plans.filter(labelling__in=Labelling.objects.current()).order_by("-created_at").first()
    return running or plans.order_by("-created_at", "-pk").first()
