"""Research guides from YAML, as the demo ships them (``fonds/demo/guides.yaml``)::

    guides:
      - slug: resettlement
        title: Immigration and resettlement
        summary: One or two sentences.
        introduction: |
          Markdown...
        entries:
          - collection: DEMO-001             # a collection, by its identifier
            note: Why it matters.
          - collection: DEMO-001
            component: demo001-s2            # one of its components, by ref
          - agent: hias                      # a roster record, by identifier
          - event: 1989-mass-emigration      # an event, by identifier
          - work: buwalda-1997               # a work, by identifier

A guide loaded again is replaced with its entries. A record that is not in the
database is an error naming the guide and the entry; nothing of the file is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component
from fonds.formats.errors import FormatError
from fonds.timeline.models import Event

from .models import Guide, GuideEntry

_LOOKUPS: dict[str, Any] = {
    "agent": Agent.objects,
    "event": Event.objects,
    "work": Work.objects,
    "collection": Collection.all_objects,
}


def _entry(guide: Guide, number: int, raw: dict[str, Any], name: str) -> GuideEntry:
    where = f"guide {guide.slug!r}, entry {number}"
    kinds = [k for k in _LOOKUPS if raw.get(k)]
    if len(kinds) != 1:
        raise FormatError(name, f"{where}: name exactly one of {', '.join(_LOOKUPS)}")
    kind = kinds[0]
    target = _LOOKUPS[kind].filter(identifier=str(raw[kind])).first()
    if target is None:
        raise FormatError(name, f"{where}: no {kind} {raw[kind]!r} in the database")
    ref = str(raw.get("component") or "")
    if ref:
        if kind != "collection":
            raise FormatError(name, f"{where}: a component is named with its collection")
        if not Component.all_objects.filter(collection=target, ref=ref).exists():
            raise FormatError(name, f"{where}: collection {raw[kind]!r} has no component {ref!r}")
    return GuideEntry(
        guide=guide,
        position=number,
        component_ref=ref,
        note=str(raw.get("note") or "").strip(),
        **{kind: target},
    )


def load_guides(path: Path) -> int:
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise FormatError(name, f"not YAML: {error}") from None
    guides = data.get("guides") if isinstance(data, dict) else None
    if not isinstance(guides, list):
        raise FormatError(name, "expected a mapping with a list called 'guides'")
    with transaction.atomic():
        for position, raw in enumerate(guides, start=1):
            if not isinstance(raw, dict) or not raw.get("slug") or not raw.get("title"):
                raise FormatError(name, f"guide {position}: needs a slug and a title")
            guide, _ = Guide.objects.update_or_create(
                slug=str(raw["slug"]),
                defaults={
                    "title": str(raw["title"]),
                    "summary": str(raw.get("summary") or "").strip(),
                    "introduction": str(raw.get("introduction") or "").strip() + "\n",
                    "position": int(raw.get("position", position)),
                    "published": bool(raw.get("published", True)),
                },
            )
            guide.entries.all().delete()
            entries = raw.get("entries") or []
            for number, entry in enumerate(entries, start=1):
                if not isinstance(entry, dict):
                    raise FormatError(name, f"guide {guide.slug!r}, entry {number}: not a mapping")
                _entry(guide, number, entry, name).save()
    return len(guides)
