"""Questions get a kind: the scale of 1 to 4 (« Êtes-vous satisfait(e)… ? ») or « Oui / Non » for the closed questions
that were asked on the satisfaction scale until now (« Avez-vous été accueilli(e) avec courtoisie ? »).

The data part marks the closed questions of the shipped 2015 versions (frozen list, the same as the ``yes_no`` sets
of surveys/questionnaires.py). Their past answers stay as they were: 3 and 4 still count in the share of « Oui »,
which is what the dimension's rate meant for them.
"""

from django.db import migrations, models

YES_NO_2015 = {
    "users": ["opening_hours", "signage", "courtesy", "waiting_time"],
    "local_authorities": ["contact", "appointments"],
    "partners": ["contact", "information"],
}


def mark_yes_no(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    for questionnaire_code, codes in YES_NO_2015.items():
        Question.objects.filter(
            questionnaire__code=questionnaire_code, questionnaire__version="2015", code__in=codes
        ).update(kind="yes_no")


def unmark(apps, schema_editor):
    apps.get_model("surveys", "Question").objects.update(kind="scale")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_questionnaires")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="kind",
            field=models.CharField(
                choices=[("scale", "Échelle de satisfaction (1 à 4)"), ("yes_no", "Oui ou non")],
                default="scale",
                help_text="Oui ou non : « Oui » est enregistré 4 et « Non » 1 ; le taux de la dimension est la part "
                "des « Oui ».",
                max_length=10,
                verbose_name="nature de la réponse",
            ),
        ),
        migrations.RunPython(mark_yes_no, unmark),
    ]
