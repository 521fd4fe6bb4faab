"""The sign-in log, the sign-in limit, sessions that end, passwords hashed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from fonds.staff.models import SignIn
from tests.conftest import ROOT
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        HTTP_USER_AGENT="pytest browser",
    )


def test_sign_ins_and_sign_outs_are_logged(archivist):
    client = Client()
    assert sign_in(client, "arch", "not the password").status_code == 200
    assert sign_in(client, "arch", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    log = list(SignIn.objects.order_by("at", "id"))
    assert [(s.outcome, s.username, s.ip) for s in log] == [
        (SignIn.FAILED, "arch", "127.0.0.1"),
        (SignIn.SUCCEEDED, "arch", "127.0.0.1"),
        (SignIn.SIGNED_OUT, "arch", "127.0.0.1"),
    ]
    assert log[0].user is None and log[1].user == archivist
    assert log[1].user_agent == "pytest browser"


def test_the_log_is_read_only_and_for_administrators(administrator):
    sign_in(Client(), "nobody", "guess")
    client = Client()
    client.force_login(administrator)
    page = client.get("/admin/staff/signin/")
    assert page.status_code == 200 and "nobody" in page.content.decode()
    entry = SignIn.objects.get(username="nobody")
    assert (
        client.post(f"/admin/staff/signin/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert SignIn.objects.filter(pk=entry.pk).exists()


def test_too_many_failures_refuse_even_the_right_password(archivist, settings):
    settings.FONDS_SIGNIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        sign_in(client, "arch", "wrong")
    response = sign_in(client, "arch", PASSWORD)
    assert response.status_code == 200  # the form again, not signed in
    assert "_auth_user_id" not in client.session
    assert SignIn.objects.filter(outcome=SignIn.REFUSED, username="arch").count() == 1
    settings.FONDS_SIGNIN_ATTEMPTS = 0
    assert sign_in(client, "arch", PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(archivist):
    assert archivist.password.startswith("argon2$")
    assert PASSWORD not in archivist.password


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_length_is_set_by_environment(tmp_path):
    env = {
        **os.environ,
        "FONDS_HOME": str(tmp_path),
        "FONDS_SESSION_HOURS": "2",
        "FONDS_SESSION_EXPIRE_AT_BROWSER_CLOSE": "false",
    }
    code = (
        "from fonds import settings as s;"
        "print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7200", "False"]
