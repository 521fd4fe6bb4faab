"""Pages from Markdown files with a small header, as the demo ships them.

---
title: The movement in brief
slug: overview
position: 1
---
Text in Markdown...
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from fonds.formats.errors import FormatError

from .models import Page


def read_page(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise FormatError(str(path), "a page file starts with a '---' header", 1, 1)
    header, _, body = text[4:].partition("\n---\n")
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as error:
        raise FormatError(str(path), f"page header is not YAML: {error}", 2, 1) from None
    if not isinstance(meta, dict) or not meta.get("title"):
        raise FormatError(str(path), "page header needs a title", 2, 1)
    return {
        "slug": str(meta.get("slug") or path.stem),
        "title": str(meta["title"]),
        "position": int(meta.get("position", 0)),
        "body": body.strip() + "\n",
    }


def load_pages(folder: Path) -> int:
    pages = [read_page(path) for path in sorted(folder.glob("*.md"))]
    with transaction.atomic():
        for page in pages:
            Page.objects.update_or_create(slug=page["slug"], defaults=page)
    return len(pages)
