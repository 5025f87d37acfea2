"""Reference data: the shipped questionnaires (users, local authorities and elected officials, partners).

The definitions are read from surveys/questionnaires.py, whose versions are never rewritten (a change is a new
version): running this on a new database installs the versions known today. The writing part is frozen here.
"""

from django.db import migrations


def load(apps, schema_editor):
    from surveys.questionnaires import SHIPPED

    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Question = apps.get_model("surveys", "Question")
    for data in SHIPPED:
        questionnaire, created = Questionnaire.objects.get_or_create(
            code=data["code"],
            version=data["version"],
            defaults={
                "audience": data["audience"],
                "title": data["title"],
                "introduction": data["introduction"],
                "published_on": data["published_on"],
            },
        )
        if created:
            for position, (code, label, text, help_text) in enumerate(data["questions"], start=1):
                Question.objects.create(
                    questionnaire=questionnaire,
                    code=code,
                    position=position,
                    label=label,
                    text=text,
                    help_text=help_text,
                )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
