"""Changes to the catalogue: the national administrators set an indicator's targets and freshness rule."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import access
from indicators.models import Indicator
from qualipref.lib.models import clean_and_save, refuse_other_fields

EDITABLE = ("target", "intermediate_target", "freshness_days", "is_active")


@transaction.atomic
def indicator_update(*, by, indicator, **fields) -> Indicator:
    if not access.can_manage_indicators(by):
        raise PermissionDenied("Seuls les administrateurs nationaux fixent les objectifs des indicateurs.")
    refuse_other_fields(fields, EDITABLE)
    indicator._history_user = by
    return clean_and_save(indicator, **fields)
