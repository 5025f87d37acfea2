"""The crisis communication cell's roster has hours no shift covers in the coming weeks (crisis.roster.HORIZON_DAYS
days from today): to the prefecture's quality managers, once per gap (the key names where the first gap starts: a
gap covered, or a new one, gives a new alert). Only the prefectures that keep a roster in Qualipref (one shift at
least) are looked at. The rule of a gap is the roster page's (crisis.roster)."""

from django.urls import reverse
from django.utils import timezone

from crisis import roster
from crisis.models import OnCallShift
from qualipref.lib.dates import short_datetime

from . import base


def collect(today):
    prefecture_ids = set(OnCallShift.objects.order_by().values_list("prefecture_id", flat=True).distinct())
    if not prefecture_ids:
        return []
    start, end = roster.window(today)
    gaps = {pk: found for pk, found in roster.gaps(prefecture_ids, start, end).items() if found}
    if not gaps:
        return []
    _, managers = base.recipients(today, prefectures=gaps)
    url = reverse("on_call_roster")
    found = []
    for prefecture_id, prefecture_gaps in sorted(gaps.items()):
        first = prefecture_gaps[0]
        hours = sum(gap.hours for gap in prefecture_gaps)
        found += base.notices(
            managers.get(prefecture_id, ()),
            key=f"on_call_gap:{prefecture_id}:{first.starts_at:%Y-%m-%dT%H:%M}",
            kind="on_call_gap",
            title=f"Astreinte de crise non couverte à partir du {short_datetime(first.starts_at)}",
            body=(
                f"{len(prefecture_gaps)} période(s) sans astreinte ({hours:.0f} h) dans les {roster.HORIZON_DAYS} "
                "prochains jours : la cellule de communication de crise doit être joignable 7/7j et 24/24h."
            ),
            url=f"{url}?prefecture={prefecture_id}",
            due_on=timezone.localdate(first.starts_at),
        )
    return found
