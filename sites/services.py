"""Writes on the territory: prefectures, sites, services and closures. Each checks its actor."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from qualipref.lib.models import clean_and_save, refuse_other_fields
from sites.models import Prefecture, Service, Site, SiteClosure

SITE_EDITABLE_FIELDS = (
    "name",
    "kind",
    "address",
    "postal_code",
    "city",
    "opening_hours",
    "accessibility_notes",
    "is_active",
)


@transaction.atomic
def prefecture_create(*, by, department, name) -> Prefecture:
    if not access.can_create_prefecture(by):
        raise PermissionDenied("Seul un administrateur national peut créer une préfecture.")
    if Prefecture.objects.filter(department=department).exists():
        raise ValidationError({"department": f"Le département {department} a déjà sa préfecture."})
    prefecture = Prefecture(department=department, name=name)
    prefecture.full_clean()
    prefecture.save()
    return prefecture


@transaction.atomic
def site_create(*, by, prefecture, **fields) -> Site:
    if not access.can_create_site(by, prefecture):
        raise PermissionDenied("Seul un administrateur national peut créer un site.")
    site = Site(prefecture=prefecture, **{key: fields[key] for key in SITE_EDITABLE_FIELDS if key in fields})
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def site_update(*, by, site, **fields) -> Site:
    """Update a site's description (address, opening hours, accessibility...)."""
    if not access.can_edit_site(by, site):
        raise PermissionDenied("Vous ne pouvez pas modifier ce site.")
    refuse_other_fields(fields, SITE_EDITABLE_FIELDS)
    return clean_and_save(site, **fields)


@transaction.atomic
def service_create(*, by, site, name) -> Service:
    if not access.can_edit_site(by, site):
        raise PermissionDenied("Vous ne pouvez pas ajouter de service à ce site.")
    service = Service(site=site, name=name)
    service.full_clean()
    service.save()
    return service


def _validate_closure(*, site, start_on, end_on, exclude_pk=None):
    if start_on is None or end_on is None:
        raise ValidationError("Indiquez le premier et le dernier jour de fermeture.")
    if end_on < start_on:
        raise ValidationError({"end_on": "Le dernier jour de fermeture doit être postérieur ou égal au premier."})
    overlapping = SiteClosure.objects.filter(site=site, start_on__lte=end_on, end_on__gte=start_on)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        raise ValidationError("Cette période chevauche une fermeture déjà enregistrée pour ce site.")


@transaction.atomic
def closure_create(*, by, site, start_on, end_on=None, reason) -> SiteClosure:
    """Record days the site is closed; they stop counting as working days for its deadlines."""
    if not access.can_manage_closures(by, site):
        raise PermissionDenied("Vous ne pouvez pas saisir de fermeture pour ce site.")
    end_on = end_on or start_on
    _validate_closure(site=site, start_on=start_on, end_on=end_on)
    closure = SiteClosure(site=site, start_on=start_on, end_on=end_on, reason=reason)
    closure.full_clean()
    closure.save()
    return closure


@transaction.atomic
def closure_delete(*, by, closure) -> None:
    if not access.can_manage_closures(by, closure.site):
        raise PermissionDenied("Vous ne pouvez pas supprimer cette fermeture.")
    closure.delete()
