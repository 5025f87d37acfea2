"""Non-conformities: the cause analysis (families of causes, « 5 pourquoi » or a free analysis), the immediate
correction and the effectiveness check at closure (audits.services.findings)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0002_list_order_indexes"),
        ("engagements", "0005_list_order_indexes"),
        ("sites", "0002_departments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="analysed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="analyse de",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="analysed_on",
            field=models.DateField(blank=True, null=True, verbose_name="analyse du"),
        ),
        migrations.AddField(
            model_name="finding",
            name="cause_analysis",
            field=models.TextField(blank=True, verbose_name="analyse des causes"),
        ),
        migrations.AddField(
            model_name="finding",
            name="cause_categories",
            field=models.JSONField(blank=True, default=list, verbose_name="catégories de causes"),
        ),
        migrations.AddField(
            model_name="finding",
            name="cause_whys",
            field=models.JSONField(blank=True, default=list, verbose_name="5 pourquoi"),
        ),
        migrations.AddField(
            model_name="finding",
            name="corrected_on",
            field=models.DateField(blank=True, null=True, verbose_name="corrigé le"),
        ),
        migrations.AddField(
            model_name="finding",
            name="correction",
            field=models.TextField(blank=True, verbose_name="correction immédiate"),
        ),
        migrations.AddField(
            model_name="finding",
            name="effective",
            field=models.BooleanField(blank=True, null=True, verbose_name="actions efficaces"),
        ),
        migrations.AddField(
            model_name="finding",
            name="effectiveness_checked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="efficacité vérifiée par",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="effectiveness_checked_on",
            field=models.DateField(blank=True, null=True, verbose_name="efficacité vérifiée le"),
        ),
        migrations.AddField(
            model_name="finding",
            name="effectiveness_comment",
            field=models.TextField(blank=True, verbose_name="commentaire de la vérification"),
        ),
        migrations.AddField(
            model_name="finding",
            name="effectiveness_evidence",
            field=models.FileField(blank=True, upload_to="audits/findings/%Y/", verbose_name="preuve de l'efficacité"),
        ),
        migrations.AddField(
            model_name="finding",
            name="effectiveness_evidence_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="nom du fichier de preuve"),
        ),
        migrations.AddField(
            model_name="finding",
            name="effectiveness_evidence_text",
            field=models.TextField(blank=True, verbose_name="éléments de preuve"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="analysed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="analyse de",
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="analysed_on",
            field=models.DateField(blank=True, null=True, verbose_name="analyse du"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="cause_analysis",
            field=models.TextField(blank=True, verbose_name="analyse des causes"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="cause_categories",
            field=models.JSONField(blank=True, default=list, verbose_name="catégories de causes"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="cause_whys",
            field=models.JSONField(blank=True, default=list, verbose_name="5 pourquoi"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="corrected_on",
            field=models.DateField(blank=True, null=True, verbose_name="corrigé le"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="correction",
            field=models.TextField(blank=True, verbose_name="correction immédiate"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effective",
            field=models.BooleanField(blank=True, null=True, verbose_name="actions efficaces"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effectiveness_checked_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="efficacité vérifiée par",
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effectiveness_checked_on",
            field=models.DateField(blank=True, null=True, verbose_name="efficacité vérifiée le"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effectiveness_comment",
            field=models.TextField(blank=True, verbose_name="commentaire de la vérification"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effectiveness_evidence",
            field=models.TextField(blank=True, max_length=100, verbose_name="preuve de l'efficacité"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effectiveness_evidence_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="nom du fichier de preuve"),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="effectiveness_evidence_text",
            field=models.TextField(blank=True, verbose_name="éléments de preuve"),
        ),
        migrations.AddConstraint(
            model_name="finding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("effective__isnull", True), ("effectiveness_checked_on__isnull", False), _connector="OR"
                ),
                name="finding_effectiveness_has_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="finding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("effective__isnull", True),
                    ("category__in", ["minor_nonconformity", "major_nonconformity"]),
                    _connector="OR",
                ),
                name="finding_effectiveness_only_nonconformity",
            ),
        ),
    ]
