"""Référentiels, labelling cycles, action plans, quality meetings and trainings."""

from .actions import Action, ActionComment, ActionEvidence, ActionPlan
from .labellings import Labelling, LabellingStep
from .meetings import Meeting, MeetingDecision
from .referentials import Engagement, Module, Referential
from .trainings import Enrolment, Trainee, Training, TrainingKind, TrainingSession

__all__ = [
    "Action",
    "ActionComment",
    "ActionEvidence",
    "ActionPlan",
    "Engagement",
    "Enrolment",
    "Labelling",
    "LabellingStep",
    "Meeting",
    "MeetingDecision",
    "Module",
    "Referential",
    "Trainee",
    "Training",
    "TrainingKind",
    "TrainingSession",
]
