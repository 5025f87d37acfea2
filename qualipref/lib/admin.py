"""Helpers of the admin pages of every app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction


def dry_run(write):
    """Run a service in a savepoint rolled back afterwards; its refusals become form errors."""
    try:
        with transaction.atomic():
            write()
            transaction.set_rollback(True)
    except PermissionDenied as error:
        raise ValidationError(str(error)) from error
