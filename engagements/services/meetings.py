"""Quality meetings (COPIL, CLU) and their decisions turned into actions.

Every write is keyword-only, atomic and checks its actor (``accounts.access``). The training records moved to
engagements.services.trainings (re-exported here for the callers of the old names).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from engagements.models import Action, Meeting, MeetingDecision
from engagements.services import actions
from engagements.services.trainings import (  # noqa: F401  (the old names)
    TRAINING_FIELDS,
    TRAINING_VALIDITY_YEARS,
    agents_not_trained,
    agents_reception_training,
    training_create,
    training_cutoff,
    training_people,
    training_update,
)
from qualipref.lib.models import clean_and_save, refuse_other_fields

# A meeting may be planned ahead (the next CLU), not dated years away by a typing slip.
MEETING_HORIZON_DAYS = 366
MEETING_FIELDS = ("kind", "held_on", "attendees", "minutes")


# --- meetings -------------------------------------------------------------------------------------


def _validate_meeting(*, kind, held_on):
    errors = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = "Choisissez l'instance : COPIL qualité ou comité local des usagers."
    if held_on is None:
        errors["held_on"] = "Indiquez la date de la réunion."
    elif held_on > timezone.localdate() + datetime.timedelta(days=MEETING_HORIZON_DAYS):
        errors["held_on"] = "La date de la réunion ne peut pas être postérieure de plus d'un an à la date du jour."
    if errors:
        raise ValidationError(errors)


def _clean_decision_text(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Le texte de la décision est obligatoire."})
    return text


@transaction.atomic
def meeting_create(*, by, prefecture, kind, held_on, attendees="", minutes="", decisions=()) -> Meeting:
    """Record a COPIL or CLU of ``prefecture``, with its first decisions (texts) if any."""
    if not access.can_manage_meetings(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture enregistre ses réunions qualité.")
    _validate_meeting(kind=kind, held_on=held_on)
    texts = [_clean_decision_text(text) for text in decisions]
    meeting = Meeting(prefecture=prefecture, kind=kind, held_on=held_on, attendees=attendees, minutes=minutes)
    meeting.full_clean()
    meeting.save()
    MeetingDecision.objects.bulk_create(MeetingDecision(meeting=meeting, text=text) for text in texts)
    return meeting


@transaction.atomic
def meeting_update(*, by, meeting, **fields) -> Meeting:
    """Change the kind, date, attendees or minutes of a meeting (its prefecture never changes)."""
    if not access.can_manage_meetings(by, meeting.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses réunions qualité.")
    refuse_other_fields(fields, MEETING_FIELDS)
    _validate_meeting(kind=fields.get("kind", meeting.kind), held_on=fields.get("held_on", meeting.held_on))
    return clean_and_save(meeting, **fields)


@transaction.atomic
def decision_add(*, by, meeting, text) -> MeetingDecision:
    if not access.can_manage_meetings(by, meeting.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture enregistre les décisions des réunions.")
    decision = MeetingDecision(meeting=meeting, text=_clean_decision_text(text))
    decision.full_clean()
    decision.save()
    return decision


def _action_title(text):
    first_line = text.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= 250 else first_line[:249].rstrip() + "…"


@transaction.atomic
def decision_to_action(*, by, decision, plan=None, site=None, owner=None, due_on=None) -> Action:
    """Turn a meeting's decision into an action of the prefecture's action plan, in one step.

    The action's source is the meeting's kind (COPIL or CLU) and points back to the decision
    (``action.source_object``); the decision keeps the link (``decision.action``).
    """
    decision = MeetingDecision.objects.select_for_update().select_related("meeting__prefecture").get(pk=decision.pk)
    meeting = decision.meeting
    prefecture = meeting.prefecture
    if not access.can_manage_meetings(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture transforme les décisions en actions.")
    if decision.action_id is not None:
        raise ValidationError("Cette décision a déjà donné lieu à une action.")
    action = actions.action_create_from_source(
        by=by,
        source_object=decision,
        source=meeting.kind,
        prefecture=prefecture,
        plan=plan,
        title=_action_title(decision.text),
        description=f"{decision.text}\n\nDécision du {meeting}.",
        site=site,
        owner=owner,
        due_on=due_on,
    )
    decision.action = action
    decision.save(update_fields=["action", "updated_at"])
    return action
