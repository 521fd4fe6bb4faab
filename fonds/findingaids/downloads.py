"""A finding aid to take away: its EAD, a printable page, a PDF.

The EAD is the file as loaded, minus everything marked ``audience="internal"``
(an internal ``eadheader``/``control`` keeps only the identifier and title the
file needs to stay EAD) and minus the components not public (drafts, under
embargo, with all they hold). Results are cached in ``FONDS_HOME/cache`` under the
source's SHA-256 and the components left out, so a reloaded finding aid, or one
whose components were published or hidden, gets fresh files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from lxml import etree

from fonds import __version__
from fonds.formats.ead import COMPONENT_TAG
from fonds.formats.markup import is_internal
from fonds.formats.xmlsafe import localname, safe_parser

from . import presentation
from .models import Collection, Component

log = logging.getLogger(__name__)
HEADER_KEEP = frozenset({"eadid", "recordid", "filedesc", "titlestmt", "titleproper"})


def _temporary(path: Path) -> Path:
    """Where one thread writes a file before it takes its place: of its own, as other
    threads and the other processes of ``fonds serve --workers`` may write it too."""
    return path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")


def _cache(kind: str, collection: Collection, suffix: str) -> Path:
    folder = settings.FONDS_HOME / "cache" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{collection.source.sha256}-{__version__}{suffix}"


class SourceMismatch(ValueError):
    """The file's components are not those the database holds: nothing is served."""


def hidden_components(collection: Collection) -> dict[int, str]:
    """The components of a collection the public may not see, but for those marked
    internal (the file says so itself): sequence -> their id in the file."""
    public = Component.objects.filter(collection=collection).values("pk")
    hidden = Component.all_objects.filter(collection=collection, internal=False).exclude(
        pk__in=public
    )
    return dict(hidden.values_list("sequence", "xml_id"))


def public_ead(source: bytes, hidden: Mapping[int, str] | None = None) -> bytes:
    """The EAD file without its internal content, nor the components ``hidden``
    names (by sequence, see :func:`hidden_components`) with all they hold."""
    root = etree.fromstring(source, safe_parser())
    tree = root.getroottree()
    doomed = _components_at(root, hidden) if hidden else []
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or not is_internal(element):
            continue
        if localname(element.tag) in ("eadheader", "control"):
            del element.attrib["audience"]
            _strip_header(element)
        else:
            _remove(element)
    for element in doomed:
        _remove(element)
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def _components_at(root: Any, hidden: Mapping[int, str]) -> list[Any]:
    """The component elements at these sequences (document order, as the loader
    counts them); each checked against the id the database holds."""
    namespace = etree.QName(root).namespace or ""
    found = []
    sequence = 0
    for element in root.iter():
        if not isinstance(element.tag, str) or not COMPONENT_TAG.match(localname(element.tag)):
            continue
        if (etree.QName(element).namespace or "") != namespace:
            continue
        sequence += 1
        if sequence in hidden:
            if hidden[sequence] and element.get("id") != hidden[sequence]:
                raise SourceMismatch(f"component {sequence} is not {hidden[sequence]!r}")
            found.append(element)
    if len(found) != len(hidden):
        raise SourceMismatch("the file holds fewer components than the database")
    return found


def _left_out(hidden: Mapping[int, str]) -> str:
    """A part of a cached file's name: which components it leaves out."""
    if not hidden:
        return ""
    sequences = ",".join(str(s) for s in sorted(hidden)).encode()
    return f"-{hashlib.sha256(sequences).hexdigest()[:16]}"


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:  # keep the text that followed the element
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _strip_header(element: Any) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or localname(child.tag) not in HEADER_KEEP:
            element.remove(child)
        else:
            _strip_header(child)


def ead(request: HttpRequest, identifier: str) -> HttpResponseBase:
    collection = get_object_or_404(
        Collection.objects.select_related("source"), identifier=identifier
    )
    if not hasattr(collection, "source"):
        raise Http404("no EAD kept for this collection")
    hidden = hidden_components(collection)
    path = _cache("ead", collection, f"{_left_out(hidden)}.xml")
    if not path.exists():
        if collection.source.size > settings.FONDS_EAD_DOWNLOAD_MAX_MB * 1024 * 1024:
            return HttpResponse(
                "This finding aid is too large to prepare on request; "
                "ask the archive for its EAD file.",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        try:
            data = public_ead(zlib.decompress(collection.source.content), hidden)
        except SourceMismatch as error:
            log.error("EAD of %s not served: %s", collection.identifier, error)
            return HttpResponse(
                "This finding aid's EAD is not available; ask the archive for it.",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        temporary = _temporary(path)
        temporary.write_bytes(data)
        temporary.replace(path)
    response = FileResponse(open(path, "rb"), content_type="application/xml")  # noqa: SIM115
    response["Content-Disposition"] = f'attachment; filename="{collection.identifier}.xml"'
    return response


def _printable_context(request: HttpRequest, collection: Collection) -> dict[str, Any]:
    terms = list(collection.terms.filter(component__isnull=True))
    components = Component.objects.filter(collection=collection).only(
        "ref",
        "title",
        "date_text",
        "level",
        "container_summary",
        "depth",
        "notes",
        "unitid",
        "extent",
        "sequence",
    )
    return {
        "collection": collection,
        "creators": presentation.creator_links(terms),
        "term_groups": presentation.term_groups(terms),
        "summary_notes": presentation.summary_notes(collection.notes),
        "sections": presentation.sections(collection.notes),
        "components": components.order_by("sequence").iterator(chunk_size=2000),
        "repository": presentation.repository_of(collection),
        "url": request.build_absolute_uri(collection.get_absolute_url()),
    }


def printable(request: HttpRequest, identifier: str) -> HttpResponse:
    collection = get_object_or_404(Collection, identifier=identifier)
    return render(request, "findingaids/print.html", _printable_context(request, collection))


def pdf(request: HttpRequest, identifier: str) -> HttpResponseBase:
    collection = get_object_or_404(
        Collection.objects.select_related("source"), identifier=identifier
    )
    path = _cache("pdf", collection, f"{_left_out(hidden_components(collection))}.pdf")
    if not path.exists():
        try:
            from weasyprint import CSS, HTML, URLFetcher
        except OSError as error:  # WeasyPrint needs Pango from the system
            log.error("PDF unavailable: %s", error)
            return HttpResponse(
                "PDF output is not available on this server; use the printable page.",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        context = _printable_context(request, collection) | {"for_pdf": True}
        html = render_to_string("findingaids/print.html", context, request=request)
        stylesheet = finders.find("fonds/print.css")
        temporary = _temporary(path)
        # Nothing is fetched while rendering: the stylesheet is read from disk and
        # images named in the EAD stay out of the PDF.
        HTML(
            string=html,
            base_url=request.build_absolute_uri("/"),
            url_fetcher=URLFetcher(allowed_protocols=["data"]),
        ).write_pdf(temporary, stylesheets=[CSS(filename=str(stylesheet))])
        temporary.replace(path)
    response = FileResponse(open(path, "rb"), content_type="application/pdf")  # noqa: SIM115
    response["Content-Disposition"] = f'inline; filename="{collection.identifier}.pdf"'
    return response
