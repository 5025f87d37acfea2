"""/healthz tells load balancers and monitoring whether the database and the broker answer, without a login."""

import pytest

from qualipref.celery import app as celery_app

CLOSED_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point the project's Celery app at a closed port (the environment variables win over its configuration)."""
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL", "CELERY_BROKER_READ_URL"):
        monkeypatch.delenv(name, raising=False)
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = CLOSED_BROKER
    yield
    celery_app.conf.broker_url = previous


def test_healthz_answers_200_with_the_database_and_the_broker_ok_to_an_anonymous_visitor(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_broker_is_unreachable(client, db, unreachable_broker):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("erreur")
