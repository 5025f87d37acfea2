"""The Content-Security-Policy header (settings: CSP; the browser tests are tests/e2e/test_content_security_policy.py):
its directives on every page, the report-only mode of a first deployment, and templates free of what it refuses."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Documents rendered by WeasyPrint or sent by e-mail: never served to a browser under the policy.
NOT_SERVED = ("pdf/", "surveys/pdf/", "emails/", "registration/password_reset_email.html", "indicators/dashboards/pdf")


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_every_page_carries_the_strict_policy(client):
    response = client.get("/comptes/connexion/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_only_the_redoc_page_may_start_a_worker_from_a_blob(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("lecteur", password="x" * 12))
    assert "worker-src" not in client.get("/api/v1/docs/")["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in client.get("/api/v1/redoc/")["Content-Security-Policy"]


def _settings_with(**environ):
    code = (
        "import json, qualipref.settings as s; "
        "print(json.dumps([s.CONTENT_SECURITY_POLICY, getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)]))"
    )
    env = {**os.environ, **environ}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_csp_report_only_sends_the_same_policy_without_enforcing_it():
    enforced, report_only = _settings_with(CSP_REPORT_ONLY="0")
    assert enforced["DIRECTIVES"]["script-src"] == ["'self'"] and report_only is None
    enforced, report_only = _settings_with(CSP_REPORT_ONLY="1", CSP_REPORT_URI="https://csp.example.gouv.fr/rapports")
    assert enforced is None
    assert report_only["DIRECTIVES"]["script-src"] == ["'self'"]
    assert report_only["DIRECTIVES"]["report-uri"] == "https://csp.example.gouv.fr/rapports"


def test_no_served_template_has_an_inline_script_or_an_event_handler_attribute():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(NOT_SERVED):
            continue
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{name}: {tag}")
        offenders += [f"{name}: {match}" for match in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
    assert offenders == []
