"""Indicators: the catalogue, the measurements of sites and prefectures, the footfall of the services.

- The catalogue is national reference data: everyone reads it; national administrators set its targets.
- Measurements are read like the territory: a prefecture's people read all of its measurements, a site's people
  those of their site and the prefecture-wide ones of its prefecture; auditors none.
- Entered and imported measurements are written by the prefecture's quality manager (every site, and the
  prefecture-wide indicators) and by a site's referent (their site); computed ones by Qualipref only.
  Managers and national administrators read (403 on writes), like the action plans.
"""

from django.db.models import Q

from accounts.models import Role

from .abilities import abilities_of
from .core import get_scope, is_national_admin, readable_rows


def scope_measurements(queryset, user):
    """Measurements of the user's prefectures (all of them), and of their own sites with the prefecture-wide
    measurements (no site) of those sites' prefectures. Reads ``prefecture_id`` and ``site_id``."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(readable_rows(scope))


def can_manage_indicators(user):
    """The catalogue's targets, thresholds and freshness rules are national: set by national administrators."""
    return is_national_admin(user)


def can_view_national_indicators(user):
    """The national aggregates of every prefecture are for national administrators."""
    return is_national_admin(user)


def can_view_national_dashboard(user):
    """The national dashboard and its downloads (map, every prefecture): national administrators, who land on it."""
    return is_national_admin(user)


def can_enter_measurement(user, prefecture, site=None):
    """Enter or import an indicator of ``site`` (or of the whole ``prefecture`` when ``site`` is None): the
    prefecture's quality manager, or the site's referent (computed from ids: no query)."""
    scope = get_scope(user)
    prefecture_id = prefecture if isinstance(prefecture, int) else prefecture.pk
    if prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return True
    return site is not None and (site if isinstance(site, int) else site.pk) in scope.site_ids(Role.SITE_REFERENT)


def can_edit_measurement(user, measurement):
    """Change or remove a measurement: an entered or imported one, by who may enter it. Computed measurements
    change only when their sources do."""
    if measurement.source == measurement.Source.COMPUTED:
        return False
    return can_enter_measurement(user, measurement.prefecture_id, measurement.site_id)


def may_enter_measurements(user):
    """Whether the user enters or imports measurements anywhere (quality manager, site referent)."""
    scope = get_scope(user)
    return bool(scope.prefecture_ids(Role.QUALITY_MANAGER) or scope.site_ids(Role.SITE_REFERENT))


def measurement_sites(queryset, user):
    """Sites whose measurements and footfall the user enters and imports (``can_enter_measurement``)."""
    scope = get_scope(user)
    return queryset.filter(
        Q(prefecture_id__in=scope.prefecture_ids(Role.QUALITY_MANAGER)) | Q(pk__in=scope.site_ids(Role.SITE_REFERENT))
    )


def measurement_prefectures(queryset, user):
    """Prefectures whose prefecture-wide indicators the user enters (their quality manager)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


def can_import_footfall(user, site):
    """The hourly footfall of a site's services comes with the measurements: same people."""
    return can_enter_measurement(user, site.prefecture_id, site.pk)


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("indicators.Indicator")
def _indicator_abilities(user, indicator):
    return {"update": can_manage_indicators(user), "delete": False}


@abilities_of("indicators.Measurement")
def _measurement_abilities(user, measurement):
    # Computed from ids only: no query per row of a list.
    editable = can_edit_measurement(user, measurement)
    return {"update": editable, "delete": editable}
