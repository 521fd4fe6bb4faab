"""Search documents built from the database: one per collection, component, agent,
event and work. Only published rows are read, never internal ones, so nothing
internal or draft can reach the index. Rows under embargo are indexed with the day
their embargo ends (``available``), and searches leave them out until that day
(:mod:`fonds.publishing`): an embargo ends without anything having to run.

A component's document carries its ancestors' titles and its collection's identity,
so a hit on a folder shows where it sits (Collection > Series > Folder) and results
can be grouped by collection without another query.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from fonds.authorities.models import Agent, AgentName
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection, Component, DigitalObject
from fonds.publishing.models import day_number
from fonds.timeline.models import Event

from .analysis import analyzed
from .backends.base import SearchDocument

CHUNK = 2000
FACET_OF_KIND = {
    "persname": "person",
    "famname": "person",
    "name": "person",
    "corpname": "organization",
    "geogname": "place",
    "subject": "subject",
    "occupation": "subject",
    "function": "subject",
    "title": "subject",
    "genreform": "genre",
}
BOOST = {"collection": 5.0, "agent": 3.0, "series": 1.0, "subseries": 0.5}
OPEN_END = 9999


class Variants:
    """Names of the roster, so that a record naming one spelling is found by all."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[str]] = {}
        names: dict[int, list[str]] = defaultdict(list)
        public = Agent.objects.public()
        for agent_id, name in AgentName.objects.filter(agent__in=public).values_list(
            "agent_id", "name"
        ):
            names[agent_id].append(name)
        for agent_id, name in public.values_list("id", "authorized_name"):
            names[agent_id].append(name)
        for group in names.values():
            for name in group:
                self.by_name.setdefault(analyzed(name), []).extend(n for n in group if n != name)

    def of(self, names: Iterable[str]) -> list[str]:
        found: list[str] = []
        for name in names:
            found.extend(self.by_name.get(analyzed(name), ()))
        return found


def decades(begin: int | None, end: int | None) -> list[str]:
    if begin is None:
        return []
    last = min(end if end is not None else begin, datetime.date.today().year)
    return [f"{d}s" for d in range(begin // 10 * 10, max(begin, last) // 10 * 10 + 1, 10)]


def _span(row: Collection | Component) -> tuple[int | None, int | None]:
    if row.begin_year is None:
        return None, None
    if row.end_year is None and any(d.get("open_end") for d in row.dates):
        return row.begin_year, OPEN_END
    return row.begin_year, row.end_year if row.end_year is not None else row.begin_year


def _body(row: Collection | Component) -> str:
    parts = [row.unitid, row.date_text, row.extent]
    parts += [n.get("text", "") for n in row.notes]
    return "\n".join(p for p in parts if p)


def _term_facets(terms: Iterable[AccessTerm], facets: dict[str, list[str]]) -> list[str]:
    names = []
    for term in terms:
        facet = FACET_OF_KIND.get(term.kind)
        if facet and term.text not in facets.setdefault(facet, []):
            facets[facet].append(term.text)
        names.append(term.text)
    return names


def _collection_ref(collection: Collection) -> dict[str, str]:
    return {
        "identifier": collection.identifier,
        "title": collection.display_title,
        "url": collection.get_absolute_url(),
    }


def indexed_collections() -> Any:
    """Collections that are or will be public: not internal, not a draft."""
    return Collection.all_objects.filter(internal=False, published=True)


def indexed_components(collection: Collection) -> Any:
    """Its components that are or will be public (drafts and what they hold left out)."""
    return Component.all_objects.filter(
        collection=collection, internal=False, published=True, withdrawn=False
    )


def collection_documents(collection: Collection, variants: Variants) -> Iterator[SearchDocument]:
    owner = f"collection:{collection.identifier}"
    terms = list(
        AccessTerm.all_objects.filter(
            collection=collection, component__isnull=True, internal=False
        ).order_by("position")
    )
    has_digital = (
        DigitalObject.all_objects.filter(collection=collection, internal=False)
        .filter(component__isnull=True)
        .exists()
        or indexed_components(collection).filter(has_digital_object=True).exists()
    )
    facets: dict[str, list[str]] = {
        "type": ["collection"],
        "collection": [collection.identifier],
        "level": [collection.level or "collection"],
        "digital": ["yes" if has_digital else "no"],
    }
    names = _term_facets(terms, facets)
    begin, end = _span(collection)
    facets["decade"] = decades(begin, end)
    ref = _collection_ref(collection)
    yield SearchDocument(
        key=owner,
        owner=owner,
        type="collection",
        title=collection.display_title,
        names=names,
        body=_body(collection) + "\n" + collection.repository,
        variants=variants.of(names),
        facets=facets,
        begin=begin,
        end=end,
        boost=BOOST["collection"],
        sort_title=collection.display_title.casefold(),
        available=day_number(collection.embargo_until),
        data={
            "type": "collection",
            "title": collection.display_title,
            "url": ref["url"],
            "date": collection.date_text,
            "extent": collection.extent,
            "unitid": collection.unitid,
            "collection": ref,
            "path": [],
            "digital": facets["digital"] == ["yes"],
        },
    )
    yield from _component_documents(collection, ref, owner, variants)


def _component_documents(
    collection: Collection, ref: dict[str, str], owner: str, variants: Variants
) -> Iterator[SearchDocument]:
    titles: dict[int, dict[str, str]] = {}  # sequence -> title and url, for parents only
    base_url = ref["url"]
    last = 0
    while True:
        chunk = list(
            indexed_components(collection).filter(sequence__gt=last).order_by("sequence")[:CHUNK]
        )
        if not chunk:
            return
        last = chunk[-1].sequence
        terms: dict[int, list[AccessTerm]] = defaultdict(list)
        for term in AccessTerm.all_objects.filter(
            component__in=[c.pk for c in chunk], internal=False
        ).order_by("position"):
            terms[term.component_id or 0].append(term)
        for component in chunk:
            component.collection = collection  # for available_from, without a query
            url = f"{base_url}{component.ref}/"
            if not component.is_leaf:
                titles[component.sequence] = {"title": component.display_title, "url": url}
            path = [titles[s] for s in component.ancestor_sequences() if s in titles]
            facets: dict[str, list[str]] = {
                "type": ["component"],
                "collection": [collection.identifier],
                "level": [component.level] if component.level else [],
                "digital": ["yes" if component.has_digital_object else "no"],
            }
            names = _term_facets(terms.get(component.pk, ()), facets)
            begin, end = _span(component)
            facets["decade"] = decades(begin, end)
            yield SearchDocument(
                key=f"component:{collection.identifier}/{component.ref}",
                owner=owner,
                type="component",
                title=component.display_title,
                names=names,
                body=_body(component),
                context=" ".join([ref["title"], *(p["title"] for p in path)]),
                variants=variants.of(names),
                facets=facets,
                begin=begin,
                end=end,
                boost=BOOST.get(component.level, 0.0),
                sort_title=component.display_title.casefold(),
                available=day_number(component.available_from),
                data={
                    "type": "component",
                    "title": component.display_title,
                    "url": url,
                    "date": component.date_text,
                    "level": component.level,
                    "container": component.container_summary,
                    "collection": ref,
                    "path": path,
                    "digital": component.has_digital_object,
                },
            )


def agent_documents(agent: Agent, variants: Variants) -> Iterator[SearchDocument]:
    names = [n.name for n in agent.names.all()]
    from fonds.formats.edtf_dates import parse

    try:
        label = parse(agent.existence).label if agent.existence else ""
    except ValueError:
        label = agent.existence
    owner = f"agent:{agent.identifier}"
    facet = {"organization": "organization", "person": "person", "family": "person"}[agent.kind]
    yield SearchDocument(
        key=owner,
        owner=owner,
        type=agent.kind,
        title=agent.authorized_name,
        names=[agent.authorized_name],
        body="\n".join([agent.summary, agent.history]),
        variants=names,
        facets={"type": [agent.kind], facet: [agent.authorized_name]},
        begin=agent.begin_year,
        end=agent.end_year if agent.end_year is not None else agent.begin_year,
        boost=BOOST["agent"],
        sort_title=(agent.sort_name or agent.authorized_name).casefold(),
        available=day_number(agent.embargo_until),
        data={
            "type": agent.kind,
            "title": agent.authorized_name,
            "url": agent.get_absolute_url(),
            "date": label,
            "path": [],
        },
    )


def event_documents(event: Event) -> Iterator[SearchDocument]:
    owner = f"event:{event.identifier}"
    names = [a.authorized_name for a in event.agents.all()]
    begin = event.sort_date.year if event.sort_date else None
    end = event.end_date.year if event.end_date else begin
    facets: dict[str, list[str]] = {"type": ["event"], "decade": decades(begin, end)}
    if event.place:
        facets["place"] = [event.place]
    yield SearchDocument(
        key=owner,
        owner=owner,
        type="event",
        title=event.title,
        names=names,
        body=event.description,
        facets=facets,
        begin=begin,
        end=end,
        boost=1.0,
        sort_title=event.title.casefold(),
        available=day_number(event.embargo_until),
        data={
            "type": "event",
            "title": event.title,
            "date": event.date_label,
            "url": event.get_absolute_url(),
            "path": [],
        },
    )


def work_documents(work: Work) -> Iterator[SearchDocument]:
    owner = f"work:{work.identifier}"
    yield SearchDocument(
        key=owner,
        owner=owner,
        type="work",
        title=work.title,
        names=[work.creators_text] if work.creators_text else [],
        body=str(work.csl.get("abstract", "")),
        facets={"type": ["work"], "decade": decades(work.issued_year, work.issued_year)},
        begin=work.issued_year,
        end=work.issued_year,
        boost=1.0,
        sort_title=work.title.casefold(),
        available=day_number(work.embargo_until),
        data={
            "type": "work",
            "title": work.title,
            "date": str(work.issued_year or ""),
            "url": work.get_absolute_url(),
            "path": [],
        },
    )


def documents_of(owner: str, variants: Variants) -> Iterator[SearchDocument]:
    """The documents an owner ("collection:C1752", "agent:x"...) has now: none when it
    is gone, a draft or internal (under embargo, it has them, marked with their day)."""
    kind, _, identifier = owner.partition(":")
    if kind == "collection":
        collection = indexed_collections().filter(identifier=identifier).first()
        if collection is not None:
            yield from collection_documents(collection, variants)
    elif kind == "agent":
        agent = Agent.objects.filter(identifier=identifier, published=True).first()
        if agent is not None:
            yield from agent_documents(agent, variants)
    elif kind == "event":
        event = Event.objects.filter(identifier=identifier, published=True).first()
        if event is not None:
            yield from event_documents(event)
    elif kind == "work":
        work = Work.objects.filter(identifier=identifier, published=True).first()
        if work is not None:
            yield from work_documents(work)


def all_owners() -> Iterator[str]:
    for identifier in indexed_collections().order_by("pk").values_list("identifier", flat=True):
        yield f"collection:{identifier}"
    for model, kind in ((Agent, "agent"), (Event, "event"), (Work, "work")):
        manager: Any = model.objects
        for identifier in manager.filter(published=True).values_list("identifier", flat=True):
            yield f"{kind}:{identifier}"


def all_documents() -> Iterator[SearchDocument]:
    variants = Variants()
    for owner in all_owners():
        yield from documents_of(owner, variants)
