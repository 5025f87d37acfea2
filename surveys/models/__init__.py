"""Satisfaction surveys: questionnaires (versioned, coded questions), campaigns, responses and results."""

from .campaigns import AggregatedResult, Campaign, CampaignSite, Highlight
from .questionnaires import Question, Questionnaire, QuestionOption
from .responses import Answer, Response

__all__ = [
    "AggregatedResult",
    "Answer",
    "Campaign",
    "CampaignSite",
    "Highlight",
    "Question",
    "QuestionOption",
    "Questionnaire",
    "Response",
]
