"""Référentiels, labelling cycles, action plans, quality meetings, trainings and quality documents."""

from .actions import Action, ActionComment, ActionEvidence, ActionPlan
from .documents import DocumentVersion, QualityDocument
from .labellings import Labelling, LabellingStep
from .meetings import Meeting, MeetingDecision, Training
from .referentials import Engagement, Module, Referential

__all__ = [
    "Action",
    "ActionComment",
    "ActionEvidence",
    "ActionPlan",
    "DocumentVersion",
    "Engagement",
    "Labelling",
    "LabellingStep",
    "Meeting",
    "MeetingDecision",
    "Module",
    "QualityDocument",
    "Referential",
    "Training",
]
