"""Writes on people and memberships. Views, API and admin actions call these; they check the actor."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Membership, Role


def _validate_scope(*, role, prefecture, site):
    """The scope a role needs, with the message a user understands (the database enforces it too)."""
    if role == Role.NATIONAL_ADMIN and (prefecture or site):
        raise ValidationError("Un administrateur national n'est rattaché à aucune préfecture ni aucun site.")
    if role in PREFECTURE_ROLES:
        if site is not None:
            raise ValidationError({"site": "Ce rôle s'exerce sur une préfecture entière : ne choisissez pas de site."})
        if prefecture is None:
            raise ValidationError({"prefecture": "Choisissez la préfecture sur laquelle ce rôle s'exerce."})
    if role in SITE_ROLES:
        if prefecture is not None:
            raise ValidationError(
                {"prefecture": "Ce rôle s'exerce sur un site : choisissez le site, pas la préfecture."}
            )
        if site is None:
            raise ValidationError({"site": "Choisissez le site sur lequel ce rôle s'exerce."})
    if role == Role.AUDITOR and site is not None:
        raise ValidationError({"site": "Un auditeur est rattaché aux audits qui lui sont confiés, pas à un site."})


def _validate_period(*, valid_from, valid_until):
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": "La date de fin doit être postérieure ou égale à la date de début."})


@transaction.atomic
def membership_create(*, by, user, role, prefecture=None, site=None, valid_from=None, valid_until=None) -> Membership:
    """Give ``user`` a ``role`` on a prefecture or a site; ``by`` must manage that prefecture."""
    valid_from = valid_from or timezone.localdate()
    _validate_scope(role=role, prefecture=prefecture, site=site)
    _validate_period(valid_from=valid_from, valid_until=valid_until)
    target_prefecture = site.prefecture if site is not None else prefecture
    if not access.can_grant(by, role=role, prefecture=target_prefecture):
        raise PermissionDenied("Vous ne pouvez pas attribuer ce rôle sur cette préfecture.")
    overlapping = Membership.objects.filter(user=user, role=role, prefecture=prefecture, site=site).filter(
        _overlaps(valid_from, valid_until)
    )
    if overlapping.exists():
        raise ValidationError("Cette personne a déjà ce rôle sur ce périmètre pendant cette période.")
    membership = Membership(
        user=user,
        role=role,
        prefecture=prefecture,
        site=site,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=by,
    )
    membership.full_clean()
    membership.save()
    access.clear_scope(user)
    return membership


@transaction.atomic
def membership_update(*, by, membership, valid_from, valid_until) -> Membership:
    """Change the period of a membership (the role and scope stay: end it and create another instead)."""
    if not access.can_edit_membership(by, membership):
        raise PermissionDenied("Vous ne pouvez pas modifier cette habilitation.")
    _validate_period(valid_from=valid_from, valid_until=valid_until)
    membership.valid_from = valid_from
    membership.valid_until = valid_until
    membership.full_clean()
    membership.save(update_fields=["valid_from", "valid_until", "updated_at"])
    access.clear_scope(membership.user)
    return membership


@transaction.atomic
def membership_end(*, by, membership, on: datetime.date | None = None) -> Membership:
    """End a membership on a date (yesterday by default, so that it stops today). History is kept.

    A membership that has not started yet is cancelled (deleted; the history keeps its trace).
    """
    today = timezone.localdate()
    if not access.can_edit_membership(by, membership):
        raise PermissionDenied("Vous ne pouvez pas clore cette habilitation.")
    if by.pk == membership.user_id and membership.role in (Role.NATIONAL_ADMIN, Role.QUALITY_MANAGER):
        raise ValidationError("Vous ne pouvez pas clore votre propre habilitation de gestion.")
    if membership.valid_until is not None and membership.valid_until < today:
        raise ValidationError("Cette habilitation est déjà close.")
    if membership.valid_from > today:
        membership.delete()
        access.clear_scope(membership.user)
        return membership
    on = on or today - datetime.timedelta(days=1)
    if on < membership.valid_from:
        on = membership.valid_from
    membership.valid_until = on
    membership.save(update_fields=["valid_until", "updated_at"])
    access.clear_scope(membership.user)
    return membership


def _overlaps(valid_from, valid_until):
    from django.db.models import Q

    ends_after_start = Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    if valid_until is None:
        return ends_after_start
    return ends_after_start & Q(valid_from__lte=valid_until)
