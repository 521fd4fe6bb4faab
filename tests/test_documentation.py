"""Settings and commands are documented: a test fails when one is added without it."""

from __future__ import annotations

from pathlib import Path

from fonds import settings
from fonds.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in settings.ENVIRONMENT_VARIABLES if f"`{name}`" not in text]
    assert not missing, f"undocumented in docs/configuration.md: {missing}"


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = [name for name in commands if f"fonds {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
    assert "make demo" in readme and "make test" in readme
