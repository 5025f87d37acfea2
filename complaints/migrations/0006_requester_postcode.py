"""The requester's postcode, asked apart on the public form: with the reference, it lets a requester without an
e-mail address follow their request (« Suivre ma demande », issue 17). Personal data like the other requester
fields: kept out of the history table, blanked by the retention job."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="requester_postcode",
            field=models.CharField(blank=True, max_length=5, verbose_name="code postal du demandeur"),
        ),
    ]
