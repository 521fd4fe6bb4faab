"""schema.org descriptions of the portal's pages, as JSON-LD.

One function per page type returns a JSON-ready dict: ``{"@context":
"https://schema.org", "@graph": [...]}`` with the page's main thing and, where the
page has a breadcrumb, a ``BreadcrumbList``. Every address is absolute, from
``settings.BASE_URL``; things that have a page are named by it (``@id``), the same
address the RiC-O export uses. :func:`script` writes the ``<script>`` element with
``<``, ``>`` and ``&`` escaped, so no text can close it.

Only public content is read: the default managers leave out internal components and
terms, and unpublished roster records, events and works are never named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from fonds.authorities.models import Agent, NameMatch
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection, Component
from fonds.findingaids.presentation import repository_of, term_search_url
from fonds.timeline.models import Event

from . import iris
from .dates import coverage, exact_dates
from .matching import NAME_KINDS, MatchedAgent, matched_agents

JSON = dict[str, Any]
CONTEXT = "https://schema.org"
DESCRIPTION_LIMIT = 2000
AGENT_TYPES = {"person": "Person", "organization": "Organization", "family": "Organization"}
TERM_TYPES = {"persname": "Person", "famname": "Organization", "corpname": "Organization"}
# CSL item types -> schema.org types
WORK_TYPES = {
    "book": "Book",
    "article-journal": "ScholarlyArticle",
    "article": "Article",
    "article-magazine": "Article",
    "article-newspaper": "NewsArticle",
    "chapter": "Chapter",
    "thesis": "Thesis",
    "report": "Report",
    "webpage": "WebPage",
    "motion_picture": "Movie",
    "broadcast": "Episode",
    "interview": "CreativeWork",
}
_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def dumps(data: JSON) -> str:
    """JSON that is safe inside a <script> element: no <, > or & appear as such."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


def script(data: JSON) -> SafeString:
    return mark_safe(  # noqa: S308 - dumps() escapes <, > and &
        f'<script type="application/ld+json">{dumps(data)}</script>'
    )


def document(*things: JSON | None) -> JSON:
    return {"@context": CONTEXT, "@graph": [t for t in things if t]}


def _clean(data: JSON) -> JSON:
    """Leave out empty values, so the markup says only what is known."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def _archive_ref() -> JSON:
    return {
        "@type": "ArchiveOrganization",
        "@id": iris.archive_iri(),
        "name": settings.ARCHIVE_NAME,
    }


def _website_ref() -> JSON:
    return {"@type": "WebSite", "@id": iris.website_iri(), "name": settings.ARCHIVE_NAME}


def breadcrumbs(trail: Sequence[tuple[str, str]]) -> JSON:
    """A BreadcrumbList of (name, path) pairs, the page itself last."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": iris.absolute(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def web_page(kind: str, name: str, path: str, description: str = "") -> JSON:
    """A page that is not one record: a list, the search, the contact page."""
    return document(
        _clean(
            {
                "@type": kind,
                "@id": iris.absolute(path),
                "url": iris.absolute(path),
                "name": name,
                "description": _short(description),
                "isPartOf": _website_ref(),
                "publisher": _archive_ref(),
            }
        )
    )


# -- the home page and the list of collections


def home() -> JSON:
    base = iris.home_iri()
    search = iris.search_iri()
    website = {
        "@type": "WebSite",
        "@id": iris.website_iri(),
        "url": base,
        "name": settings.ARCHIVE_NAME,
        "publisher": {"@id": iris.archive_iri()},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    archive = _clean(
        {
            "@type": "ArchiveOrganization",
            "@id": iris.archive_iri(),
            "name": settings.ARCHIVE_NAME,
            "url": base,
            "logo": iris.absolute(settings.ARCHIVE_LOGO_URL) if settings.ARCHIVE_LOGO_URL else None,
            "email": getattr(settings, "FONDS_REFERENCE_EMAIL", ""),
            "telephone": getattr(settings, "FONDS_CONTACT_PHONE", ""),
            "address": ", ".join(getattr(settings, "FONDS_CONTACT_ADDRESS", [])),
        }
    )
    return document(website, archive)


def collection_list(collections: Iterable[Collection], start: int = 1, total: int = 0) -> JSON:
    """The collections page: a CollectionPage whose main entity lists this page's
    collections (``start`` is the position of the first, ``total`` all of them)."""
    url = iris.absolute(reverse("findingaids:collections"))
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "url": iris.collection_iri(c.identifier),
            "name": c.display_title,
        }
        for position, c in enumerate(collections, start=start)
    ]
    page = {
        "@type": "CollectionPage",
        "@id": url,
        "url": url,
        "name": f"Collections | {settings.ARCHIVE_NAME}",
        "isPartOf": _website_ref(),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": total or len(items),
            "itemListElement": items,
        },
    }
    return document(page)


# -- collections and components


def _term_thing(term: AccessTerm, agents: dict[tuple[str, str], MatchedAgent]) -> JSON:
    agent = agents.get((term.text, term.kind))
    if agent is not None:
        return {
            "@type": AGENT_TYPES.get(agent.kind, "Organization"),
            "@id": iris.agent_iri(agent.identifier),
            "name": agent.name,
        }
    if term.kind in NAME_KINDS:
        kind = TERM_TYPES.get(term.kind, "Thing")
    else:
        kind = "Place" if term.kind == "geogname" else "Thing"
    # not a roster record: its address is the search for it
    return {"@type": kind, "name": term.text, "url": iris.absolute(term_search_url(term))}


def _terms(terms: list[AccessTerm]) -> JSON:
    """creator, about, genre and keywords from a record's access terms."""
    agents = matched_agents((t.text, t.kind) for t in terms)
    creators: dict[str, JSON] = {}
    about: dict[str, JSON] = {}
    genres: list[str] = []
    keywords: list[str] = []
    for term in terms:
        if term.relation == AccessTerm.CREATOR:
            thing = _term_thing(term, agents)
            creators.setdefault(str(thing.get("@id") or thing["name"]), thing)
        elif term.kind == "genreform":
            genres.append(term.text)
        else:
            thing = _term_thing(term, agents)
            about.setdefault(str(thing.get("@id") or thing["name"]), thing)
            keywords.append(term.text)
    return {
        "creator": list(creators.values()),
        "about": list(about.values()),
        "genre": list(dict.fromkeys(genres)),
        "keywords": list(dict.fromkeys(keywords)),
    }


def _holding_archive(collection: Collection) -> JSON:
    if iris.is_this_archive(collection.repository):
        return _archive_ref()
    name = repository_of(collection)
    return {"@type": "ArchiveOrganization", "@id": iris.repository_iri(name), "name": name}


def _dated(record: Collection | Component) -> JSON:
    """dateCreated for a single date, temporalCoverage for the span (ISO 8601)."""
    span = coverage(record.dates, record.begin_year, record.end_year)
    single = span if span and "/" not in span else None
    return {"dateCreated": single, "temporalCoverage": span}


def _notes_text(record: Collection | Component, *types: str) -> str:
    return _short(" ".join(str(n.get("text", "")) for n in record.notes_of(*types)))


def _collection_node(collection: Collection, terms: list[AccessTerm] | None = None) -> JSON:
    url = iris.collection_iri(collection.identifier)
    node: JSON = {
        "@type": "ArchiveComponent",
        "@id": url,
        "url": url,
        "name": collection.display_title,
        "identifier": collection.unitid or collection.identifier,
        "holdingArchive": _holding_archive(collection),
    }
    if terms is None:
        return node
    node.update(
        {
            "description": _short(collection.abstract) or _notes_text(collection, "scopecontent"),
            **_dated(collection),
            **_terms(terms),
            "materialExtent": collection.extent,
            "inLanguage": [
                {"@type": "Language", "name": str(lang.get("name"))}
                for lang in collection.languages
                if isinstance(lang, dict) and lang.get("name") and len(str(lang["name"])) < 40
            ],
            "isPartOf": _website_ref(),
        }
    )
    return _clean(node)


def collection(collection: Collection) -> JSON:
    terms = list(collection.terms.filter(component__isnull=True))
    crumbs = breadcrumbs(
        [
            ("Collections", reverse("findingaids:collections")),
            (collection.display_title, collection.get_absolute_url()),
        ]
    )
    return document(_collection_node(collection, terms), crumbs)


def printable(collection: Collection) -> JSON:
    """The printable finding aid: a web page whose main entity is the collection."""
    path = reverse("findingaids:print", args=[collection.identifier])
    page = _clean(
        {
            "@type": "WebPage",
            "@id": iris.absolute(path),
            "url": iris.absolute(path),
            "name": f"{collection.display_title}: printable finding aid",
            "mainEntity": {"@id": iris.collection_iri(collection.identifier)},
            "isPartOf": _website_ref(),
            "publisher": _archive_ref(),
        }
    )
    return document(page, _collection_node(collection))


def component(component: Component, ancestors: Sequence[Component] | None = None) -> JSON:
    """A series, folder or item: an ArchiveComponent that is part of its parent, and
    so on up to the collection (``ancestors`` outermost first, as the page has them)."""
    owner = component.collection
    url_of = iris.ComponentIRIs(owner.identifier)
    chain = list(component.ancestors()) if ancestors is None else list(ancestors)
    parent: JSON = _collection_node(owner)
    for ancestor in chain:
        parent = {
            "@type": "ArchiveComponent",
            "@id": url_of(ancestor.ref),
            "name": ancestor.display_title,
            "isPartOf": parent,
        }
    url = url_of(component.ref)
    node = _clean(
        {
            "@type": "ArchiveComponent",
            "@id": url,
            "url": url,
            "name": component.display_title,
            "identifier": component.unitid or component.ref,
            "additionalType": component.level,
            "description": _notes_text(component, "scopecontent", "abstract"),
            **_dated(component),
            **_terms(list(component.terms.all())),
            "materialExtent": component.extent,
            "itemLocation": component.container_summary,
            "holdingArchive": _holding_archive(owner),
            "isPartOf": parent,
        }
    )
    trail = [
        ("Collections", reverse("findingaids:collections")),
        (owner.display_title, owner.get_absolute_url()),
    ]
    trail += [(a.display_title, url_of(a.ref)) for a in chain]
    trail.append((component.display_title, url))
    return document(node, breadcrumbs(trail))


# -- the roster


def _agent_ref(agent: Agent) -> JSON:
    return {
        "@type": AGENT_TYPES.get(agent.kind, "Organization"),
        "@id": iris.agent_iri(agent.identifier),
        "name": agent.authorized_name,
    }


# How a relation of the roster reads in schema.org, from the source's side and from
# the target's: (property of the source, property of the target).
RELATION_PROPERTIES: dict[str, tuple[str | None, str | None]] = {
    "member_of": ("memberOf", "member"),
    "has_member": ("member", "memberOf"),
    "parent_of": ("subOrganization", "parentOrganization"),
    "affiliate_of": ("parentOrganization", "subOrganization"),
    "founded_by": ("founder", None),
    "founded": (None, "founder"),
}
ORGANIZATION_ONLY = {"subOrganization", "parentOrganization", "founder", "member"}


def _relations(agent: Agent) -> dict[str, list[JSON]]:
    found: dict[str, list[JSON]] = {}

    def add(prop: str | None, other: Agent | None) -> None:
        if prop is None or other is None or not other.is_public:
            return
        if prop in ORGANIZATION_ONLY and agent.kind == Agent.PERSON:
            return
        found.setdefault(prop, []).append(_agent_ref(other))

    for relation in agent.relations_out.select_related("target"):
        add(RELATION_PROPERTIES.get(relation.relation_type, (None, None))[0], relation.target)
    for relation in agent.relations_in.select_related("source"):
        add(RELATION_PROPERTIES.get(relation.relation_type, (None, None))[1], relation.source)
    return found


def _same_as(agent: Agent) -> list[str]:
    """Addresses of the same person or body elsewhere: sources that are web
    addresses, and authority records of the finding aids' names matched to it."""
    found = iris.web_addresses([str(s) for s in agent.sources] + [agent.record_id])
    texts = set(
        NameMatch.objects.filter(
            agent=agent, status__in=(NameMatch.AUTO, NameMatch.CONFIRMED)
        ).values_list("text", flat=True)
    )
    if texts:
        for source, identifier in (
            AccessTerm.objects.filter(text__in=texts, kind__in=NAME_KINDS)
            .exclude(identifier="")
            .values_list("source", "identifier")
            .distinct()
        ):
            uri = iris.authority_uri(source, identifier)
            if uri:
                found.append(uri)
    return list(dict.fromkeys(found))


def agent(agent: Agent) -> JSON:
    url = iris.agent_iri(agent.identifier)
    names = [n.name for n in agent.names.all() if n.name != agent.authorized_name]
    dates = exact_dates(agent.existence)
    places = [
        {"@type": "Place", "name": str(p["name"])}
        for p in agent.places
        if isinstance(p, dict) and p.get("name")
    ]
    if agent.kind == Agent.PERSON:
        lifespan = {"birthDate": dates.start, "deathDate": dates.end, "homeLocation": places}
    else:
        lifespan = {"foundingDate": dates.start, "dissolutionDate": dates.end, "location": places}
    node = _clean(
        {
            "@type": AGENT_TYPES.get(agent.kind, "Organization"),
            "@id": url,
            "url": url,
            "name": agent.authorized_name,
            "alternateName": list(dict.fromkeys(names)),
            "additionalType": "https://www.ica.org/standards/RiC/ontology#Family"
            if agent.kind == Agent.FAMILY
            else None,
            "description": _short(agent.summary),
            **lifespan,
            **_relations(agent),
            "sameAs": _same_as(agent),
        }
    )
    crumbs = breadcrumbs([("Roster", reverse("authorities:roster")), (agent.authorized_name, url)])
    return document(node, crumbs)


# -- the timeline and the bibliography


def _public_components(links: Iterable[tuple[int, str]]) -> list[Component]:
    wanted = set(links)
    if not wanted:
        return []
    found = Component.objects.filter(
        collection_id__in={c for c, _ in wanted}, ref__in={r for _, r in wanted}
    ).select_related("collection")
    return sorted(
        (c for c in found if (c.collection_id, c.ref) in wanted),
        key=lambda c: (c.collection_id, c.sequence),
    )


def event(event: Event) -> JSON:
    url = iris.event_iri(event.identifier)
    dates = exact_dates(event.date)
    records: list[JSON] = [
        {
            "@type": "ArchiveComponent",
            "@id": iris.collection_iri(c.identifier),
            "name": c.display_title,
        }
        for c in event.collections.all()
    ]
    links = event.component_links.values_list("collection_id", "component_ref")
    records += [
        {
            "@type": "ArchiveComponent",
            "@id": iris.component_iri(c.collection.identifier, c.ref),
            "name": c.display_title,
        }
        for c in _public_components(links)
    ]
    node = _clean(
        {
            "@type": "Event",
            "@id": url,
            "url": url,
            "name": event.title,
            "description": _short(event.description),
            "inLanguage": event.language,
            "startDate": dates.start,
            "endDate": dates.end,
            "location": {"@type": "Place", "name": event.place} if event.place else None,
            "about": [_agent_ref(a) for a in event.agents.public()],
            "recordedIn": records,
        }
    )
    crumbs = breadcrumbs([("Timeline", reverse("timeline:timeline")), (event.title, url)])
    return document(node, crumbs)


def _csl_people(people: Any) -> list[JSON]:
    found = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        if person.get("literal"):
            found.append({"@type": "Organization", "name": str(person["literal"])})
            continue
        given, family = str(person.get("given", "")), str(person.get("family", ""))
        name = " ".join(p for p in (given, family) if p)
        if name:
            found.append(
                _clean({"@type": "Person", "name": name, "givenName": given, "familyName": family})
            )
    return found


def _csl_date(value: Any) -> str | None:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not parts or not isinstance(parts[0], list) or not parts[0]:
        return None
    try:
        numbers = [int(p) for p in parts[0][:3]]
    except (TypeError, ValueError):
        return None
    if not 1 <= numbers[0] <= 9999:
        return None
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])


def work(work: Work) -> JSON:
    url = iris.work_iri(work.identifier)
    csl: dict[str, Any] = work.csl if isinstance(work.csl, dict) else {}
    kind = WORK_TYPES.get(str(csl.get("type", work.work_type)), "CreativeWork")
    container = str(csl.get("container-title", ""))
    part_of: JSON | None = None
    if container:
        part_of = {"@type": "Book" if kind == "Chapter" else "Periodical", "name": container}
        if csl.get("volume"):
            part_of = {
                "@type": "PublicationVolume",
                "volumeNumber": str(csl["volume"]),
                "isPartOf": part_of,
            }
        if csl.get("issue"):
            part_of = {
                "@type": "PublicationIssue",
                "issueNumber": str(csl["issue"]),
                "isPartOf": part_of,
            }
    same_as = iris.web_addresses([str(csl.get("URL", ""))])
    if csl.get("DOI"):
        same_as.append("https://doi.org/" + str(csl["DOI"]).removeprefix("https://doi.org/"))
    publisher = str(csl.get("publisher", ""))
    node = _clean(
        {
            "@type": kind,
            "@id": url,
            "url": url,
            "name": work.title or str(csl.get("title", "")),
            "author": _csl_people(csl.get("author")),
            "editor": _csl_people(csl.get("editor")),
            "datePublished": _csl_date(csl.get("issued")),
            "publisher": _clean(
                {
                    "@type": "Organization",
                    "name": publisher,
                    "location": str(csl.get("publisher-place", "")),
                }
            )
            if publisher
            else None,
            "isbn": str(csl.get("ISBN", "")),
            "isPartOf": part_of,
            "pagination": str(csl.get("page", "")),
            "inLanguage": str(csl.get("language", "")),
            "about": [_agent_ref(a) for a in work.agents.public()]
            + [
                {"@type": "Event", "@id": iris.event_iri(e.identifier), "name": e.title}
                for e in work.events.public()
            ],
            "sameAs": same_as,
        }
    )
    title = work.title or work.identifier
    crumbs = breadcrumbs([("Bibliography", reverse("bibliography:bibliography")), (title, url)])
    return document(node, crumbs)
