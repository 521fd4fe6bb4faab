from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from fonds.authorities.models import Agent, AgentName
from fonds.staff.roles import ADMINISTRATOR, ARCHIVIST, CONTRIBUTOR, give_role

PASSWORD = "a long and unusual password 7"  # a test account's


def make_user(username: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    give_role(user, role)
    return user


@pytest.fixture
def administrator(db: None) -> Any:
    return make_user("ada", ADMINISTRATOR)


@pytest.fixture
def archivist(db: None) -> Any:
    return make_user("arch", ARCHIVIST)


@pytest.fixture
def contributor(db: None) -> Any:
    return make_user("cora", CONTRIBUTOR)


def agent(identifier: str, published: bool) -> Agent:
    record = Agent.objects.create(
        identifier=identifier,
        kind=Agent.ORGANIZATION,
        authorized_name=f"Council {identifier}",
        published=published,
    )
    AgentName.objects.create(
        agent=record, name=f"Committee {identifier}", language="en", script="Latn"
    )
    return record


@pytest.fixture
def published_agent(db: None) -> Agent:
    return agent("published-council", True)


@pytest.fixture
def draft_agent(db: None) -> Agent:
    return agent("draft-council", False)
