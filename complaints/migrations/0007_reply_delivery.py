"""The answers e-mailed to requesters (issue 17): one row per sending, with its recipient (personal data), who
asked for it, its state, its attempts and the mail server's refusal (complaints.deliveries)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_requester_postcode"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReplyDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Courriel")], default="email", max_length=10, verbose_name="canal"
                    ),
                ),
                ("recipient", models.EmailField(blank=True, max_length=254, verbose_name="destinataire")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "En cours d'envoi"), ("sent", "Envoyée"), ("failed", "Échec de l'envoi")],
                        default="pending",
                        max_length=10,
                        verbose_name="état",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="tentatives")),
                (
                    "error",
                    models.TextField(
                        blank=True, help_text="La réponse du serveur de messagerie.", verbose_name="motif de l'échec"
                    ),
                ),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="envoyée le")),
                ("message_id", models.CharField(blank=True, max_length=255, verbose_name="identifiant du message")),
                (
                    "complaint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="complaints.complaint",
                        verbose_name="réclamation",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="envoyée par",
                    ),
                ),
            ],
            options={
                "verbose_name": "envoi de réponse",
                "verbose_name_plural": "envois de réponse",
                "ordering": ["complaint", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("sent_at__isnull", False), ("status", "sent")),
                            models.Q(models.Q(("status", "sent"), _negated=True), ("sent_at__isnull", True)),
                            _connector="OR",
                        ),
                        name="reply_delivery_sent_has_date",
                    )
                ],
            },
        ),
    ]
