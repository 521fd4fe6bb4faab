"""Names in the finding aids that are roster records, as reconciliation decided.

A name of an access term (``persname``, ``corpname``, ``famname``, ``name``) is the
roster record its accepted match names, when that record is published; otherwise it
stays a name. Matches waiting for an archivist, or rejected, do not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fonds.authorities.models import Agent, NameMatch

NAME_KINDS = frozenset({"persname", "corpname", "famname", "name"})
ACCEPTED = (NameMatch.CONFIRMED, NameMatch.AUTO)


@dataclass(frozen=True)
class MatchedAgent:
    identifier: str
    kind: str  # organization | person | family
    name: str


def matched_agents(
    names: Iterable[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], MatchedAgent]:
    """``(text, kind)`` -> the published roster record it was matched to.

    ``names`` limits the look-up to those names (a page); None reads every accepted
    match (an export), one row per distinct name."""
    matches = NameMatch.objects.filter(
        status__in=ACCEPTED, agent__in=Agent.objects.public()
    ).exclude(kind="text")
    if names is not None:
        wanted = {(text, kind) for text, kind in names if kind in NAME_KINDS}
        if not wanted:
            return {}
        matches = matches.filter(text__in={text for text, _ in wanted})
    else:
        wanted = set()
    found: dict[tuple[str, str], MatchedAgent] = {}
    rows = matches.values_list(
        "text", "kind", "status", "agent__identifier", "agent__kind", "agent__authorized_name"
    )
    # confirmed decisions first: they win over automatic ones for the same name
    for text, kind, _status, identifier, agent_kind, name in sorted(
        rows, key=lambda r: (ACCEPTED.index(r[2]), r[3])
    ):
        if names is not None and (text, kind) not in wanted:
            continue
        found.setdefault((text, kind), MatchedAgent(identifier, agent_kind, name))
    return found
