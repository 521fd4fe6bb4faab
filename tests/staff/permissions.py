"""What the permission matrices share: the four visitors of the admin, with the real
roles (as ``fonds`` sets them up after every migrate), and how a refusal looks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from fonds.staff.roles import ADMINISTRATOR, ARCHIVIST, CONTRIBUTOR, give_role
from tests.staff.admin_forms import form_data

A, R, C, ANONYMOUS = "administrator", "archivist", "contributor", "anonymous"
VISITORS = (A, R, C, ANONYMOUS)
STAFF = frozenset({A, R, C})
EDITORS = frozenset({A, R})  # the roles that publish
ONLY_ADMINISTRATORS = frozenset({A})
NOBODY: frozenset[str] = frozenset()
GROUPS = {A: ADMINISTRATOR, R: ARCHIVIST, C: CONTRIBUTOR}


def client_for(visitor: str) -> Client:
    """A signed-in client with the role's group (as ``fonds`` made it after migrating)
    and nothing else: no superuser, no permission of its own. Anonymous: not signed in.
    Signed in without a password: Argon2 is slow on purpose, and sign-in has its tests."""
    client = Client()
    if visitor == ANONYMOUS:
        return client
    user = get_user_model().objects.create_user(f"{visitor[:4]}-user")
    give_role(user, GROUPS[visitor])
    assert not user.is_superuser and not user.user_permissions.exists()
    client.force_login(user)
    return client


def root_client() -> Client:
    """A superuser, who reads the forms a visitor then posts as they are (the way a
    hand-made request would, without the page having offered them)."""
    user = get_user_model().objects.create_superuser("root", "root@example.org", None)
    client = Client()
    client.force_login(user)
    return client


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone: the next visitor finds the same records."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def refused(visitor: str, response: Any) -> None:
    """The admin said no: to sign in for the anonymous, 403 for staff."""
    if visitor == ANONYMOUS:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/admin/login/"), response["Location"]
    else:
        assert response.status_code == 403, (response.status_code, response.content[:300])


def read_form(client: Client, url: str, form_id: str) -> dict[str, Any]:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return form_data(page.content, form_id)
