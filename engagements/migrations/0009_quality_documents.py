"""The register of quality documents (a prefecture's « référentiel interne » and the national documents shared by
all) and their versions, with their history; one approved version per document (partial unique index)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0008_action_plan_counts_index"),
        ("sites", "0002_departments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                (
                    "number",
                    models.CharField(
                        help_text="Par exemple 1.0 ou 2.1.", max_length=20, verbose_name="numéro de version"
                    ),
                ),
                ("dated", models.DateField(verbose_name="date du document")),
                ("file", models.FileField(blank=True, upload_to="documents/%Y/%m/", verbose_name="fichier")),
                ("file_name", models.CharField(blank=True, max_length=200, verbose_name="nom du fichier")),
                ("size", models.PositiveIntegerField(blank=True, null=True, verbose_name="taille (octets)")),
                ("content_type", models.CharField(blank=True, max_length=100, verbose_name="type de fichier")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="lien")),
                ("changes", models.TextField(blank=True, verbose_name="modifications apportées")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Brouillon"),
                            ("in_review", "En relecture"),
                            ("approved", "Approuvée"),
                            ("superseded", "Remplacée"),
                            ("archived", "Archivée"),
                        ],
                        default="draft",
                        max_length=20,
                        verbose_name="statut",
                    ),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="soumise le")),
                ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="approuvée le")),
                ("archived_at", models.DateTimeField(blank=True, null=True, verbose_name="archivée le")),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approuvée par",
                    ),
                ),
                (
                    "archived_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="archivée par",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="auteur",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="soumise par",
                    ),
                ),
            ],
            options={
                "verbose_name": "version de document",
                "verbose_name_plural": "versions de document",
                "ordering": ["-dated", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalQualityDocument",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "reference",
                    models.CharField(help_text="Par exemple PROC-ACC-01.", max_length=40, verbose_name="référence"),
                ),
                ("title", models.CharField(max_length=250, verbose_name="intitulé")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("procedure", "Procédure"),
                            ("reflex_sheet", "Fiche réflexe"),
                            ("reception_guide", "Guide d'accueil"),
                            ("communication_plan", "Plan de communication"),
                            ("crisis_communication_plan", "Plan de communication de crise"),
                            ("letter_template", "Modèle de courrier"),
                            ("charter", "Charte"),
                            ("referential_guide", "Guide du référentiel"),
                            ("other", "Autre"),
                        ],
                        default="procedure",
                        max_length=30,
                        verbose_name="nature",
                    ),
                ),
                ("intranet_url", models.URLField(blank=True, max_length=500, verbose_name="lien intranet")),
                (
                    "review_months",
                    models.PositiveSmallIntegerField(default=12, verbose_name="périodicité de révision (mois)"),
                ),
                ("review_due_on", models.DateField(blank=True, null=True, verbose_name="révision prévue le")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="créé par",
                    ),
                ),
                (
                    "current_version",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="engagements.documentversion",
                        verbose_name="version en vigueur",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="responsable du document",
                    ),
                ),
                (
                    "prefecture",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="sites.prefecture",
                        verbose_name="préfecture",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical document qualité",
                "verbose_name_plural": "historical documents qualité",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="QualityDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                (
                    "reference",
                    models.CharField(help_text="Par exemple PROC-ACC-01.", max_length=40, verbose_name="référence"),
                ),
                ("title", models.CharField(max_length=250, verbose_name="intitulé")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("procedure", "Procédure"),
                            ("reflex_sheet", "Fiche réflexe"),
                            ("reception_guide", "Guide d'accueil"),
                            ("communication_plan", "Plan de communication"),
                            ("crisis_communication_plan", "Plan de communication de crise"),
                            ("letter_template", "Modèle de courrier"),
                            ("charter", "Charte"),
                            ("referential_guide", "Guide du référentiel"),
                            ("other", "Autre"),
                        ],
                        default="procedure",
                        max_length=30,
                        verbose_name="nature",
                    ),
                ),
                ("intranet_url", models.URLField(blank=True, max_length=500, verbose_name="lien intranet")),
                (
                    "review_months",
                    models.PositiveSmallIntegerField(default=12, verbose_name="périodicité de révision (mois)"),
                ),
                ("review_due_on", models.DateField(blank=True, null=True, verbose_name="révision prévue le")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="créé par",
                    ),
                ),
                (
                    "current_version",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="engagements.documentversion",
                        verbose_name="version en vigueur",
                    ),
                ),
                (
                    "engagements",
                    models.ManyToManyField(
                        blank=True,
                        related_name="quality_documents",
                        to="engagements.engagement",
                        verbose_name="engagements servis",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="owned_documents",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="responsable du document",
                    ),
                ),
                (
                    "prefecture",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="quality_documents",
                        to="sites.prefecture",
                        verbose_name="préfecture",
                    ),
                ),
                (
                    "sites",
                    models.ManyToManyField(
                        blank=True, related_name="quality_documents", to="sites.site", verbose_name="sites concernés"
                    ),
                ),
            ],
            options={
                "verbose_name": "document qualité",
                "verbose_name_plural": "documents qualité",
                "ordering": ["prefecture_id", "reference"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalDocumentVersion",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "number",
                    models.CharField(
                        help_text="Par exemple 1.0 ou 2.1.", max_length=20, verbose_name="numéro de version"
                    ),
                ),
                ("dated", models.DateField(verbose_name="date du document")),
                ("file", models.TextField(blank=True, max_length=100, verbose_name="fichier")),
                ("file_name", models.CharField(blank=True, max_length=200, verbose_name="nom du fichier")),
                ("size", models.PositiveIntegerField(blank=True, null=True, verbose_name="taille (octets)")),
                ("content_type", models.CharField(blank=True, max_length=100, verbose_name="type de fichier")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="lien")),
                ("changes", models.TextField(blank=True, verbose_name="modifications apportées")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Brouillon"),
                            ("in_review", "En relecture"),
                            ("approved", "Approuvée"),
                            ("superseded", "Remplacée"),
                            ("archived", "Archivée"),
                        ],
                        default="draft",
                        max_length=20,
                        verbose_name="statut",
                    ),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="soumise le")),
                ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="approuvée le")),
                ("archived_at", models.DateTimeField(blank=True, null=True, verbose_name="archivée le")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approuvée par",
                    ),
                ),
                (
                    "archived_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="archivée par",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="auteur",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="soumise par",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="engagements.qualitydocument",
                        verbose_name="document",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical version de document",
                "verbose_name_plural": "historical versions de document",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="documentversion",
            name="document",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="versions",
                to="engagements.qualitydocument",
                verbose_name="document",
            ),
        ),
        migrations.AddIndex(
            model_name="qualitydocument",
            index=models.Index(fields=["prefecture", "reference"], name="document_register_idx"),
        ),
        migrations.AddIndex(
            model_name="qualitydocument",
            index=models.Index(fields=["prefecture", "review_due_on"], name="document_review_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="qualitydocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("prefecture__isnull", False)),
                fields=("prefecture", "reference"),
                name="document_unique_reference",
                violation_error_message="Cette référence est déjà utilisée par un document de la préfecture.",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualitydocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("prefecture__isnull", True)),
                fields=("reference",),
                name="document_unique_national_reference",
                violation_error_message="Cette référence est déjà utilisée par un document national.",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualitydocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("review_months__gte", 1), ("review_months__lte", 120)),
                name="document_review_months_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualitydocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("reference", ""), _negated=True), name="document_reference_not_blank"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.UniqueConstraint(
                fields=("document", "number"),
                name="document_version_unique_number",
                violation_error_message="Ce numéro de version existe déjà pour ce document.",
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "approved")),
                fields=("document",),
                name="document_single_approved_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("file", ""), models.Q(("url", ""), _negated=True)),
                    models.Q(models.Q(("file", ""), _negated=True), ("url", "")),
                    _connector="OR",
                ),
                name="document_version_file_or_link",
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["approved", "superseded"]), _negated=True),
                    ("approved_at__isnull", False),
                    _connector="OR",
                ),
                name="document_version_approval_recorded",
            ),
        ),
    ]
