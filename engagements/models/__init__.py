"""Référentiels, labelling cycles, action plans, quality meetings and trainings."""

from .actions import Action, ActionComment, ActionEvidence, ActionPlan
from .labellings import Labelling, LabellingStep
from .meetings import Meeting, MeetingDecision, Training
from .referentials import Engagement, Module, Referential

__all__ = [
    "Action",
    "ActionComment",
    "ActionEvidence",
    "ActionPlan",
    "Engagement",
    "Labelling",
    "LabellingStep",
    "Meeting",
    "MeetingDecision",
    "Module",
    "Referential",
    "Training",
]
