"""Production settings: `manage.py check --deploy` is clean, and a production start without a secret key refuses.

Each case starts manage.py in a fresh process, since settings are read once, from the environment, at start-up.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables of the developer's or the CI's shell that would change the production settings under test.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
    "CACHE_URL",
    "CELERY_BROKER_URL",
)


@pytest.fixture
def production_env(tmp_path):
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="qualipref.example.gouv.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'qualipref.sqlite3'}",
        QUALIPREF_VAR_DIR=str(tmp_path / "var"),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",  # not contacted by the checks
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_report_a_weak_secret_key(production_env):
    # The same command fails when production settings are wrong: the clean result above means something.
    production_env["SECRET_KEY"] = "trop-court"

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY doit être défini lorsque DEBUG=0." in result.stderr


def test_every_environment_variable_read_by_the_settings_is_documented_in_env_example_and_the_readme():
    source = (BASE_DIR / "qualipref" / "settings.py").read_text()
    read = set(
        re.findall(r"\b(?:env|env_bool|env_int|env_list|os\.environ\.get|os\.getenv)\(\s*\"([A-Z][A-Z0-9_]*)\"", source)
    )
    example = (BASE_DIR / ".env.example").read_text()
    in_example = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    readme = (BASE_DIR / "README.md").read_text()

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= read
    assert read - in_example == set(), "à documenter dans .env.example"
    assert {name for name in read if f"`{name}`" not in readme} == set(), "à documenter dans README.md"


def test_check_deploy_warns_when_rate_limits_cannot_be_shared_between_processes(production_env):
    production_env["CELERY_BROKER_URL"] = "filesystem://"

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "qualipref.W001" in result.stderr + result.stdout
