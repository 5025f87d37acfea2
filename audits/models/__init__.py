"""Audits of the labelling cycles, their assessment grid, mystery visits, findings, reports and good practices."""

from .audits import Audit, AuditReport
from .findings import Finding, FindingAction, GoodPractice
from .grid import Assessment, MysteryCriterion, MysteryVisit
from .self_assessments import QuarterlySelfAssessment

__all__ = [
    "Assessment",
    "Audit",
    "AuditReport",
    "Finding",
    "FindingAction",
    "GoodPractice",
    "MysteryCriterion",
    "MysteryVisit",
    "QuarterlySelfAssessment",
]
