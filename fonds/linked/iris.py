"""The addresses linked data gives things: absolute, under ``settings.BASE_URL``.

A collection, a component, a roster record, an event and a work are named by the
address of their page, so the schema.org JSON-LD in the pages, the RiC-O export and
the sitemaps all speak of the same resource. What has no page of its own (a date, a
name, a relation) is a fragment of its owner's page (``…/roster/sssj/#name-2``). An
access term that is not a roster record is named by the search for it
(``/search?place=Cleveland+%28Ohio%29``), the page that lists what it describes.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

# What Django's reverse() leaves unquoted in a path (RFC 3986 sub-delims, ~ : @).
_PATH_SAFE = "!$&'()*+,;=~:@"
_SLUG = re.compile(r"[^a-z0-9]+")


def base_url() -> str:
    return str(settings.BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    """An absolute address from a path of this site ("/roster/" -> BASE_URL/roster/)."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + (path if path.startswith("/") else "/" + path)


def home_iri() -> str:
    return absolute(reverse("pages:home"))


def website_iri() -> str:
    return home_iri() + "#website"


def archive_iri() -> str:
    """The archive that publishes the portal, as an organization."""
    return home_iri() + "#archive"


def repository_iri(name: str) -> str:
    """A repository named in a finding aid other than this archive."""
    slug = _SLUG.sub("-", name.casefold()).strip("-")[:80] or "repository"
    return home_iri() + f"#repository-{slug}"


def is_this_archive(repository: str) -> bool:
    name = str(settings.ARCHIVE_NAME).casefold()
    return not repository.strip() or repository.casefold().startswith(name)


def collection_iri(identifier: str) -> str:
    return absolute(reverse("findingaids:collection", args=[identifier]))


class ComponentIRIs:
    """Component addresses of one collection, without a reverse() per component."""

    def __init__(self, identifier: str) -> None:
        self.prefix = collection_iri(identifier)

    def __call__(self, ref: str) -> str:
        return f"{self.prefix}{quote(ref, safe=_PATH_SAFE)}/"


def component_iri(identifier: str, ref: str) -> str:
    return ComponentIRIs(identifier)(ref)


def agent_iri(identifier: str) -> str:
    return absolute(reverse("authorities:agent", args=[identifier]))


def event_iri(identifier: str) -> str:
    return absolute(reverse("timeline:event", args=[identifier]))


def work_iri(identifier: str) -> str:
    return absolute(reverse("bibliography:work", args=[identifier]))


def search_iri() -> str:
    return absolute(reverse("search:search"))


# Authority files whose record numbers make well-known URIs.
AUTHORITY_URIS = {
    "lcnaf": "http://id.loc.gov/authorities/names/{}",
    "naf": "http://id.loc.gov/authorities/names/{}",
    "lcsh": "http://id.loc.gov/authorities/subjects/{}",
    "lcgft": "http://id.loc.gov/authorities/genreForms/{}",
    "viaf": "http://viaf.org/viaf/{}",
    "wikidata": "http://www.wikidata.org/entity/{}",
    "aat": "http://vocab.getty.edu/aat/{}",
    "tgn": "http://vocab.getty.edu/tgn/{}",
    "ulan": "http://vocab.getty.edu/ulan/{}",
    "geonames": "https://sws.geonames.org/{}/",
    "fast": "http://id.worldcat.org/fast/{}",
    "isni": "https://isni.org/isni/{}",
    "orcid": "https://orcid.org/{}",
}
_RECORD_NUMBER = re.compile(r"[A-Za-z0-9._-]+")


def authority_uri(source: str, identifier: str) -> str | None:
    """The URI of an authority record: the identifier itself when it is one, else
    the URI its source's numbers make (``lcnaf`` ``n79021164`` -> id.loc.gov)."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if identifier.startswith(("http://", "https://")) and " " not in identifier:
        return identifier
    pattern = AUTHORITY_URIS.get(source.strip().lower())
    if pattern and _RECORD_NUMBER.fullmatch(identifier):
        return pattern.format(identifier)
    return None


def web_addresses(values: list[str]) -> list[str]:
    """The values that are absolute http(s) addresses (for sameAs)."""
    return [v.strip() for v in values if re.fullmatch(r"https?://\S+", v.strip())]
