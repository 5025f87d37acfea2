"""Answers to correspondence items that leave the application (issue 17): the item keeps its answer's text and who
recorded it, and the sender's e-mail or postal address (personal data, out of the history); a ReplyDelivery now
belongs to a complaint or to a correspondence item, exactly one of them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_reply_delivery"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="replydelivery",
            options={
                "ordering": ["pk"],
                "verbose_name": "envoi de réponse",
                "verbose_name_plural": "envois de réponse",
            },
        ),
        migrations.AddField(
            model_name="correspondence",
            name="answered_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="réponse enregistrée par",
            ),
        ),
        migrations.AddField(
            model_name="correspondence",
            name="response",
            field=models.TextField(blank=True, verbose_name="réponse"),
        ),
        migrations.AddField(
            model_name="correspondence",
            name="sender_address",
            field=models.TextField(
                blank=True,
                help_text="Le bloc adresse de la lettre de réponse.",
                verbose_name="adresse postale de l'expéditeur",
            ),
        ),
        migrations.AddField(
            model_name="correspondence",
            name="sender_email",
            field=models.EmailField(
                blank=True,
                help_text="Où la réponse à un courriel est envoyée.",
                max_length=254,
                verbose_name="adresse électronique de l'expéditeur",
            ),
        ),
        migrations.AddField(
            model_name="historicalcorrespondence",
            name="answered_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="réponse enregistrée par",
            ),
        ),
        migrations.AddField(
            model_name="replydelivery",
            name="correspondence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="complaints.correspondence",
                verbose_name="courrier",
            ),
        ),
        migrations.AlterField(
            model_name="replydelivery",
            name="complaint",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="complaints.complaint",
                verbose_name="réclamation",
            ),
        ),
        migrations.AddConstraint(
            model_name="replydelivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("complaint__isnull", False), ("correspondence__isnull", True)),
                    models.Q(("complaint__isnull", True), ("correspondence__isnull", False)),
                    _connector="OR",
                ),
                name="reply_delivery_of_one_item",
            ),
        ),
    ]
