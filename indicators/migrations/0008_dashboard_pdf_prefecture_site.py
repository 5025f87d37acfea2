"""A prefecture's and a site's dashboard PDFs are produced by the worker too: a production says whose dashboard it is
(a prefecture's belongs to its reader, whose sites it shows); a check constraint keeps each scope's objects set and the
others empty (the national rows, the only ones so far, have none)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_dashboard_pdf"),
        ("sites", "0002_departments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dashboardpdf",
            name="prefecture",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="sites.prefecture",
                verbose_name="préfecture",
            ),
        ),
        migrations.AddField(
            model_name="dashboardpdf",
            name="reader",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="lecteur (tableau de bord d'une préfecture)",
            ),
        ),
        migrations.AddField(
            model_name="dashboardpdf",
            name="site",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="sites.site",
                verbose_name="site",
            ),
        ),
        migrations.AlterField(
            model_name="dashboardpdf",
            name="scope",
            field=models.CharField(
                choices=[
                    ("national", "Tableau de bord national"),
                    ("prefecture", "Tableau de bord d'une préfecture"),
                    ("site", "Tableau de bord d'un site"),
                ],
                default="national",
                max_length=20,
                verbose_name="tableau de bord",
            ),
        ),
        migrations.AddConstraint(
            model_name="dashboardpdf",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("prefecture__isnull", True),
                        ("reader__isnull", True),
                        ("scope", "national"),
                        ("site__isnull", True),
                    ),
                    models.Q(
                        ("prefecture__isnull", False),
                        ("reader__isnull", False),
                        ("scope", "prefecture"),
                        ("site__isnull", True),
                    ),
                    models.Q(
                        ("prefecture__isnull", True),
                        ("reader__isnull", True),
                        ("scope", "site"),
                        ("site__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="dashboard_pdf_scope_has_its_objects",
            ),
        ),
    ]
