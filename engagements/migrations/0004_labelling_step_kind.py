"""Steps say what happened (``kind``) besides the cycle's step after them; labelled cycles know their due dates."""

from django.db import migrations, models

# The kind of the steps written before this migration, read from the cycle's step they led to.
KIND_OF_STATUS = {
    "preparation": "start",
    "internal_evaluation": "internal_evaluation",
    "plan_revision": "plan_revision",
    "labelling_audit": "labelling_audit",
    "granted": "decision",
    "refused": "decision",
    "renewal": "renewal_audit",
    "ended": "end",
}


def fill_kinds(apps, schema_editor):
    LabellingStep = apps.get_model("engagements", "LabellingStep")
    for status, kind in KIND_OF_STATUS.items():
        LabellingStep.objects.filter(status=status).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0003_labellings_action_plans"),
    ]

    operations = [
        migrations.AddField(
            model_name="labellingstep",
            name="kind",
            field=models.CharField(
                choices=[
                    ("start", "Lancement du cycle (préparation)"),
                    ("internal_evaluation", "Évaluation interne"),
                    ("plan_revision", "Révision du plan d'action"),
                    ("labelling_audit", "Audit de labellisation"),
                    ("decision", "Décision de l'organisme certificateur"),
                    ("follow_up_audit", "Audit de suivi"),
                    ("renewal_audit", "Audit de renouvellement"),
                    ("end", "Clôture du cycle"),
                ],
                default="start",
                max_length=30,
                verbose_name="nature",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_kinds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="labellingstep",
            name="status",
            field=models.CharField(
                choices=[
                    ("preparation", "Préparation"),
                    ("internal_evaluation", "Évaluation interne"),
                    ("plan_revision", "Révision du plan d'action"),
                    ("labelling_audit", "Audit de labellisation"),
                    ("granted", "Labellisée (pérennisation)"),
                    ("refused", "Décision défavorable"),
                    ("renewal", "Renouvellement"),
                    ("ended", "Cycle clos"),
                ],
                max_length=30,
                verbose_name="étape du cycle après",
            ),
        ),
        migrations.AddConstraint(
            model_name="labelling",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["granted", "renewal"]), _negated=True),
                    models.Q(
                        ("granted_on__isnull", False), ("next_audit_due__isnull", False), ("renewal_due__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="labelling_labelled_has_due_dates",
            ),
        ),
    ]
