"""Questionnaires a prefecture adapts: a local version (``prefecture``, ``based_on``, in preparation while
``published_on`` is empty) keeps the national questions and adds local ones (``is_local``), which may be choices
among options (``QuestionOption``) or a free text; an answer to a choice question is one row per chosen option
(``option``, hence the unique constraint on the response, code and option), a free text is moderated like a comment
(``text``, ``text_status``).

Existing rows keep working unchanged: the shipped questionnaires become the national versions (no prefecture,
published), their questions national, their answers without option or text.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_departments"),
        ("surveys", "0003_question_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionOption",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("code", models.CharField(max_length=40, verbose_name="code")),
                ("label", models.CharField(max_length=200, verbose_name="libellé")),
                ("position", models.PositiveSmallIntegerField(verbose_name="rang")),
            ],
            options={
                "verbose_name": "option d'une question",
                "verbose_name_plural": "options des questions",
                "ordering": ["question", "position", "pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="answer",
            name="answer_unique_question",
        ),
        migrations.AddField(
            model_name="answer",
            name="option",
            field=models.CharField(blank=True, max_length=40, verbose_name="option choisie"),
        ),
        migrations.AddField(
            model_name="answer",
            name="text",
            field=models.TextField(blank=True, verbose_name="réponse libre"),
        ),
        migrations.AddField(
            model_name="answer",
            name="text_status",
            field=models.CharField(
                choices=[
                    ("none", "Sans commentaire"),
                    ("pending", "À modérer"),
                    ("approved", "Publiable"),
                    ("rejected", "Écarté"),
                ],
                default="none",
                max_length=10,
                verbose_name="modération de la réponse libre",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="is_local",
            field=models.BooleanField(
                default=False,
                help_text="Ajoutée par la préfecture : hors de la comparaison nationale.",
                verbose_name="question locale",
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="based_on",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.questionnaire",
                verbose_name="construite à partir de",
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="créée par",
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="prefecture",
            field=models.ForeignKey(
                blank=True,
                help_text="Vide : version nationale, commune à toutes les préfectures.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questionnaires",
                to="sites.prefecture",
                verbose_name="préfecture",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="kind",
            field=models.CharField(
                choices=[
                    ("scale", "Échelle de satisfaction (1 à 4)"),
                    ("yes_no", "Oui ou non"),
                    ("single_choice", "Choix unique"),
                    ("multiple_choice", "Choix multiple"),
                    ("free_text", "Texte libre"),
                ],
                default="scale",
                help_text="Oui ou non : « Oui » est enregistré 4 et « Non » 1 ; le taux de la dimension est la part des « Oui ».",
                max_length=20,
                verbose_name="nature de la réponse",
            ),
        ),
        migrations.AlterField(
            model_name="questionnaire",
            name="published_on",
            field=models.DateField(
                blank=True, help_text="Vide : version en préparation.", null=True, verbose_name="publié le"
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                fields=("response", "question_code", "option"), name="answer_unique_question"
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("text", ""), ("text_status", "none")),
                    models.Q(models.Q(("text", ""), _negated=True), models.Q(("text_status", "none"), _negated=True)),
                    _connector="OR",
                ),
                name="answer_text_is_moderated",
            ),
        ),
        migrations.AddConstraint(
            model_name="questionnaire",
            constraint=models.CheckConstraint(
                condition=models.Q(("prefecture__isnull", False), ("published_on__isnull", False), _connector="OR"),
                name="questionnaire_national_is_published",
            ),
        ),
        migrations.AddField(
            model_name="questionoption",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="options",
                to="surveys.question",
                verbose_name="question",
            ),
        ),
        migrations.AddConstraint(
            model_name="questionoption",
            constraint=models.UniqueConstraint(fields=("question", "code"), name="question_option_unique_code"),
        ),
        migrations.AddConstraint(
            model_name="questionoption",
            constraint=models.CheckConstraint(
                condition=models.Q(("code__regex", "^[a-z][a-z0-9_]*$")),
                name="question_option_code_lowercase_identifier",
            ),
        ),
    ]
