"""The settings of the gunicorn that bench/lists.py loads: the application's own, plus the raw-SQL floors of its
lists (bench/urls.py). Only the benchmark mounts them; the application's URLs never do."""

from qualipref.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
