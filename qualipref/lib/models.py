"""Bases and field factories the models of every app share.

They declare fields exactly as the models did before (same options, same names): the migration state is unchanged.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, IntegerField, Subquery, Value, When
from simple_history.models import HistoricalRecords

TIMESTAMPS = ("created_at", "updated_at")


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


def optional_fk(to, *, related_name, verbose_name, on_delete=models.PROTECT, **options):
    """A ForeignKey that may stay empty (``null``, ``blank``); PROTECT unless told otherwise: the row it points at
    is not deleted under it."""
    return models.ForeignKey(
        to, on_delete=on_delete, null=True, blank=True, related_name=related_name, verbose_name=verbose_name, **options
    )


def acting_user(verbose_name, **options):
    """The user who did something to the row (entered, answered, closed it...): optional, without a reverse
    accessor, and kept as NULL when the account is deleted (the row outlives its author)."""
    return optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", verbose_name=verbose_name, **options
    )


class ProducedPdf(TimeStampedModel):
    """A PDF produced by a Celery task and stored as it was produced (its SHA-256, its pages): an audit report, the
    PDF of a dashboard. Its production (qualipref.production) writes its progress here, which its page polls. The
    concrete model declares ``file`` (its ``upload_to``) and what the document is of."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours de production"
        DONE = "done", "Produit"
        FAILED = "failed", "Échec"

    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=120, blank=True)
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    generated_at = models.DateTimeField("produit le", null=True, blank=True)
    requested_by = acting_user("demandé par")
    error = models.TextField("erreur", blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


def timestamped_history(*untracked, **options):
    """The history (django-simple-history) of a ``TimeStampedModel``: every change but its timestamps and the fields
    named (personal data, denormalised values...); ``options`` go to ``HistoricalRecords``."""
    return HistoricalRecords(excluded_fields=[*TIMESTAMPS, *untracked], **options)


def refuse_other_fields(fields, editable):
    """A service's update takes only the fields it lets change: any other name in ``fields`` is refused."""
    unknown = set(fields) - set(editable)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")


def clean_and_save(instance, **values):
    """Set ``values`` on the row, validate it (``full_clean``) and save it. Returns the row."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def save_with_history(instance, *, by, reason, **values):
    """Set ``values`` on the row and save it, its history (django-simple-history) naming who changed it (``by``)
    and why (``reason``). Returns the row."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance._history_user = by
    instance._change_reason = reason
    instance.save()
    return instance


def value_in(field_name, values):
    """A read-only property: whether the field's value is one of ``values`` (``is_open = value_in("status",
    OPEN_STATUSES)``)."""

    def getter(instance) -> bool:
        return getattr(instance, field_name) in values

    return property(getter)


def value_set(field_name):
    """A read-only property: whether the field has a value (``is_closed = value_set("closed_on")``)."""

    def getter(instance) -> bool:
        return getattr(instance, field_name) is not None

    return property(getter)


def rank_first(condition):
    """0 where ``condition`` holds, 1 elsewhere: what an order puts first (open items...). The same expression goes
    in the list's ORDER BY and in the index that serves it (an index serves an expression only when it is the
    same)."""
    return Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())


def count_of(queryset):
    """The number of rows of ``queryset`` (filtered on an ``OuterRef``) as a subquery: ``COUNT`` without ``GROUP
    BY`` in the outer query, so a list computes it for the rows of its page only and its order can come from an
    index."""
    return Subquery(queryset.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count"))
