"""Changes to the catalogue: the national administrators set an indicator's targets and freshness rule."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from indicators.models import Indicator

EDITABLE = ("target", "intermediate_target", "freshness_days", "is_active")


@transaction.atomic
def indicator_update(*, by, indicator, **fields) -> Indicator:
    if not access.can_manage_indicators(by):
        raise PermissionDenied("Seuls les administrateurs nationaux fixent les objectifs des indicateurs.")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator._history_user = by
    indicator.save()
    return indicator
