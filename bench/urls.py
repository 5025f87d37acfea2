"""The application's URLs plus ``bench-floor/<name>/``: the raw-SQL floor of a list for bench/lists.py — one SQL
query (read from the JSON file named by BENCH_FLOORS: {name: SQL}) returning the rows of the list's page in the
same order, serialised with ``json.dumps``. Mounted only by bench/settings.py."""

import json
import os

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from qualipref.urls import urlpatterns as application

with open(os.environ["BENCH_FLOORS"], encoding="utf-8") as file:
    FLOORS = json.load(file)


@login_not_required
def floor(request, name):
    with connection.cursor() as cursor:
        cursor.execute(FLOORS[name])
        rows = cursor.fetchall()
    return HttpResponse(json.dumps(rows, default=str), content_type="application/json")


urlpatterns = [path("bench-floor/<slug:name>/", floor), *application]
