"""Fixtures of the upload and version tests: an edited copy of DEMO-001, a staff user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo" / "findingaids"

REMOVED = "demo001-s1-ss1-f2"  # "Minutes", 1964-1966
RETITLED = "demo001-s1-ss1-f1"  # "Founding meetings"
NEW_TITLE = "Founding meetings and bylaws"
ADDED = "demo001-s1-ss1-f3a"
ADDED_TITLE = "Minutes of the emergency meeting"


def edit_demo_001(target: Path) -> Path:
    """DEMO-001 as an archivist might revise it: one folder removed, one added, one
    retitled; nothing else."""
    text = (DEMO / "DEMO-001.xml").read_text(encoding="utf-8")
    text, removed = re.subn(
        rf'\s*<c level="file" id="{REMOVED}">.*?</c>', "", text, count=1, flags=re.S
    )
    text, retitled = re.subn(
        rf'(<c level="file" id="{RETITLED}">.*?<unittitle>)Founding meetings(</unittitle>)',
        rf"\g<1>{NEW_TITLE}\g<2>",
        text,
        count=1,
        flags=re.S,
    )
    added_folder = (
        f'\n          <c level="file" id="{ADDED}">\n'
        "            <did>\n"
        '              <container type="box">1</container>\n'
        '              <container type="folder">3a</container>\n'
        f"              <unittitle>{ADDED_TITLE}</unittitle>\n"
        '              <unitdate normal="1969">1969</unitdate>\n'
        "            </did>\n"
        "          </c>"
    )
    text, added = re.subn(
        r'(<c level="file" id="demo001-s1-ss1-f3">.*?</c>)',
        lambda m: m.group(1) + added_folder,
        text,
        count=1,
        flags=re.S,
    )
    assert (removed, retitled, added) == (1, 1, 1)
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def edited_demo_001(tmp_path) -> Path:
    return edit_demo_001(tmp_path / "DEMO-001.xml")


@pytest.fixture
def staff_client(client, django_user_model):
    """An archivist: the real role, as ``fonds`` sets it up (no permission of its own)."""
    from fonds.staff.roles import ARCHIVIST, give_role

    user = django_user_model.objects.create_user("archivist")
    give_role(user, ARCHIVIST)
    assert not user.is_superuser and not user.user_permissions.exists()
    client.force_login(user)
    client.user = user
    return client
