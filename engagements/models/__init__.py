"""Référentiels, labelling cycles, action plans, quality meetings, trainings and quality documents."""

from .actions import Action, ActionComment, ActionEvidence, ActionPlan
from .documents import DocumentVersion, QualityDocument
from .labellings import Labelling, LabellingStep
from .meetings import Meeting, MeetingDecision
from .referentials import Engagement, Module, Referential
from .trainings import Enrolment, Trainee, Training, TrainingKind, TrainingSession

__all__ = [
    "Action",
    "ActionComment",
    "ActionEvidence",
    "ActionPlan",
    "DocumentVersion",
    "Engagement",
    "Enrolment",
    "Labelling",
    "LabellingStep",
    "Meeting",
    "MeetingDecision",
    "Module",
    "QualityDocument",
    "Referential",
    "Trainee",
    "Training",
    "TrainingKind",
    "TrainingSession",
]
