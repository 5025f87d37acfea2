"""``Model.objects.for_user(user)`` for the models that sit below the permission layer.

The rules of who may read what live in one place, ``accounts.access``, which reads the memberships; the territory
(sites) is below accounts and the memberships are in accounts itself, so their querysets cannot import the rules.
They inherit ``ScopedQuerySet`` and the permission layer registers its rule for them when the apps are ready
(``accounts.apps``): the call reads the same as on every other model, and no import goes against the direction.
"""

from django.db import models

_RULES = {}


def register(model, rule):
    """``rule(queryset, user)`` returns the rows of ``queryset`` that ``user`` may read."""
    _RULES[model._meta.label] = rule


def registered(model):
    return model._meta.label in _RULES


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        try:
            rule = _RULES[self.model._meta.label]
        except KeyError:
            raise LookupError(
                f"No read rule registered for {self.model._meta.label} (qualipref.lib.scoping)."
            ) from None
        return rule(self, user)
