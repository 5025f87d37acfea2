from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """A task asked for by a write, recorded in the write's transaction and handed to the broker once committed
    (qualipref.outbox): if the broker does not take it then, the periodic relay sends it later, so no task is lost
    and none is sent for a write that was rolled back."""

    task = models.CharField("tâche", max_length=200)
    args = models.JSONField("arguments", default=list, blank=True)
    # The work item the task produces ("audits.AuditReport:12"): its re-queues are counted by it.
    key = models.CharField("élément traité", max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("remis au broker le", null=True, blank=True)
    attempts = models.PositiveIntegerField("tentatives d'envoi", default=0)
    last_error = models.TextField("dernière erreur", blank=True)

    class Meta:
        verbose_name = "tâche à envoyer"
        verbose_name_plural = "tâches à envoyer (outbox)"
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx"),
            models.Index(fields=["sent_at"], name="outbox_sent_at_idx"),
        ]

    def __str__(self):
        state = "envoyée" if self.sent_at else "à envoyer"
        return f"{self.task}({', '.join(map(str, self.args))}) — {state}"
