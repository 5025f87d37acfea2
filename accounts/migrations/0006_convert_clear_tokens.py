"""The tokens of rest_framework.authtoken (stored in clear, never expiring) become hashed, expiring API tokens.

Clients keep their token: ``Authorization: Token <the same 40 characters>`` still works (only its SHA-512 hash is
stored now, as django-rest-knox does for new tokens), until it expires like any token, ``API_TOKEN_DAYS`` after this
migration. The old table is then dropped, so that no token remains in clear in the database (nor in its dumps).
"""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
TOKEN_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH: the clear start of a token, to find its row


def convert(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return  # a database created after rest_framework.authtoken was removed
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(connection.ops.quote_name, ('key', 'user_id', 'created')))} FROM {OLD_TABLE}"
        )
        rows = cursor.fetchall()
    expiry = timezone.now() + datetime.timedelta(days=settings.QUALIPREF_API_TOKEN_DAYS)
    ApiToken.objects.bulk_create(
        ApiToken(
            digest=hashlib.sha512(key.encode()).hexdigest(),
            token_key=key[:TOKEN_KEY_LENGTH],
            user_id=user_id,
            client=f"jeton du {timezone.localtime(created):%d/%m/%Y} (avant les jetons à durée limitée)"
            if isinstance(created, datetime.datetime) and timezone.is_aware(created)
            else "jeton d'avant les jetons à durée limitée",
            expiry=expiry,
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {OLD_TABLE}")
        # The app is gone with its table: should it come back, its migrations would create the table again.
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_tokens"),
    ]

    operations = [
        # Not reversible in substance: the clear tokens are not kept anywhere.
        migrations.RunPython(convert, migrations.RunPython.noop),
    ]
