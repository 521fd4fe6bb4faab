"""The whole public archive in RiC-O 1.0 (Records in Contexts), built with rdflib.

=========================== ==========================================================
in fonds                    in RiC-O
=========================== ==========================================================
collection                  ``rico:RecordSet``, ``rico:hasRecordSetType`` (Fonds,
                            Collection), held by ``rico:hasOrHadHolder``
series, subseries, file     ``rico:RecordSet`` (Series, File); other levels untyped
item                        ``rico:Record``
the tree                    ``rico:directlyIncludes`` / ``rico:isDirectlyIncludedIn``,
                            and ``rico:isIncludedInTransitive`` up to the collection
unitdate                    ``rico:Date`` (``rico:expressedDate``, EDTF in
                            ``rico:normalizedDateValue``) by ``rico:hasCreationDate``
                            (records) or ``rico:hasOrHadAllMembersWithCreationDate``
                            (``…MostMembers…`` for bulk dates)
creators, access terms      ``rico:hasCreator`` / ``rico:isCreatorOf``;
                            ``rico:hasOrHadSubject`` / ``rico:isOrWasSubjectOf``;
                            genre/form as ``rico:DocumentaryFormType``
roster record               ``rico:Person``, ``rico:CorporateBody``, ``rico:Family``,
                            names as ``rico:AgentName`` with ``rico:textualValue`` in
                            their language and script
relation                    a ``rico:AgentToAgentRelation`` (or a narrower class) with
                            its date, plus the shortcut (``rico:hasSuccessor``,
                            ``rico:hasOrHadSubordinate``, ``rico:hasOrHadMember``…)
event                       ``rico:Event``, ``rico:occurredAtDate``,
                            ``rico:hasOrHadParticipant``; the records linked to it
                            have it as subject
names found in the text     ``rico:hasOrHadSubject`` of the collection or component
=========================== ==========================================================

Things are named by the addresses of their pages (see :mod:`fonds.linked.iris`).
RiC-O 1.0 has one date class, ``rico:Date`` (0.2's DateRange and SingleDate are gone):
an interval is a ``rico:Date`` whose normalized value is an EDTF interval.

Components are read a chunk at a time (:data:`CHUNK` rows, by document order), and
:func:`rico_graphs` yields a small graph per chunk: :func:`ntriples` and
:func:`turtle_chunks` write them one after another without holding the archive in
memory; JSON-LD needs the whole graph in memory (about 1.4 GB per million triples).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from django.conf import settings
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from fonds.authorities.models import Agent, AgentRelation, Appearance
from fonds.findingaids.models import AccessTerm, Collection, Component
from fonds.findingaids.presentation import term_search_url
from fonds.timeline.models import Event, EventComponent

from . import iris
from .dates import edtf, exact_dates, label, unit_date_edtf
from .matching import NAME_KINDS, MatchedAgent, matched_agents
from .turtle import write_turtle
from .vocabulary import (
    AGENT_CLASSES,
    ISO639_2,
    PREFIX_IRIS,
    RECORD_SET_TYPES,
    RICO,
    TERM_CLASSES,
    is_record,
    language_tag,
    new_graph,
    role_property,
    shortcut,
    typed_date,
)

CHUNK = 2_000
AGENT_CHUNK = 500
JSONLD_CONTEXT = PREFIX_IRIS
COMPONENT_FIELDS = (
    "id",
    "ref",
    "parent__ref",
    "sequence",
    "level",
    "title",
    "unitid",
    "date_text",
    "dates",
    "begin_year",
    "end_year",
    "extent",
    "notes",
)
_LANGUAGE_CODE = re.compile(r"[a-z]{3}")
_SLUG = re.compile(r"[^\w]+")


def _notes(notes: list[dict[str, Any]], *types: str) -> str:
    return "\n\n".join(
        str(n.get("text", "")).strip() for n in notes if n.get("type") in types and n.get("text")
    )


class Builder:
    """Writes the archive into graphs; remembers which shared nodes it described."""

    def __init__(self, single: Graph | None = None) -> None:
        self.single = single
        self.matches = matched_agents()
        self.described: set[URIRef] = set()

    def graph(self) -> Graph:
        return self.single if self.single is not None else new_graph()

    def graphs(self) -> Iterator[Graph]:
        yield self.archive()
        for collection in Collection.objects.order_by("identifier").iterator(chunk_size=100):
            yield self.collection(collection)
            yield from self.components(collection)
        yield from self.agents()
        yield from self.events()

    # -- shared nodes

    def archive(self) -> Graph:
        g = self.graph()
        node = URIRef(iris.archive_iri())
        g.add((node, RDF.type, RICO.CorporateBody))
        g.add((node, RDFS.label, Literal(settings.ARCHIVE_NAME)))
        g.add((node, RICO.name, Literal(settings.ARCHIVE_NAME)))
        self.described.add(node)
        return g

    def _holder(self, g: Graph, repository: str) -> URIRef:
        if iris.is_this_archive(repository):
            return URIRef(iris.archive_iri())
        node = URIRef(iris.repository_iri(repository))
        if node not in self.described:
            self.described.add(node)
            g.add((node, RDF.type, RICO.CorporateBody))
            g.add((node, RDFS.label, Literal(repository)))
            g.add((node, RICO.name, Literal(repository)))
        return node

    def _term(self, g: Graph, kind: str, text: str, source: str, identifier: str) -> URIRef:
        agent: MatchedAgent | None = self.matches.get((text, kind))
        if agent is not None:
            return URIRef(iris.agent_iri(agent.identifier))
        node = URIRef(iris.absolute(term_search_url(AccessTerm(kind=kind, text=text))))
        if node not in self.described:
            self.described.add(node)
            g.add((node, RDF.type, TERM_CLASSES.get(kind, SKOS.Concept)))
            g.add((node, RDFS.label, Literal(text)))
            g.add((node, SKOS.prefLabel if kind not in TERM_CLASSES else RICO.name, Literal(text)))
        uri = iris.authority_uri(source, identifier)
        if uri:
            g.add((node, OWL.sameAs, URIRef(uri)))
        return node

    def _language(self, g: Graph, language: dict[str, Any]) -> URIRef | None:
        code = str(language.get("code") or "").strip().lower()
        if not _LANGUAGE_CODE.fullmatch(code):
            return None
        node = URIRef(ISO639_2 + code)
        if node not in self.described:
            self.described.add(node)
            g.add((node, RDF.type, RICO.Language))
            g.add((node, RICO.name, Literal(str(language.get("name") or code))))
        return node

    # -- collections and components

    def _describe(self, g: Graph, node: URIRef, row: dict[str, Any], record: bool) -> None:
        """Title, identifier, dates, extent and notes of a collection or component."""
        title = row["title"] or row["date_text"] or "[Untitled]"
        g.add((node, RICO.title, Literal(title)))
        g.add((node, RICO.identifier, Literal(row["identifier"])))
        level = str(row["level"] or "").strip().lower()
        if record:
            g.add((node, RDF.type, RICO.Record))
        else:
            g.add((node, RDF.type, RICO.RecordSet))
            if level in RECORD_SET_TYPES:
                g.add((node, RICO.hasRecordSetType, RECORD_SET_TYPES[level]))
        dates = list(row["dates"] or [])
        if not dates and row["date_text"]:
            dates = [{"text": row["date_text"], "begin": row["begin_year"], "end": row["end_year"]}]
        for n, date in enumerate(dates, start=1):
            date_node = URIRef(f"{node}#date-{n}")
            g.add((date_node, RDF.type, RICO.Date))
            if date.get("text"):
                g.add((date_node, RICO.expressedDate, Literal(str(date["text"]))))
            normalized = unit_date_edtf(date)
            if normalized:
                g.add((date_node, RICO.normalizedDateValue, Literal(normalized)))
            if record:
                g.add((node, RICO.hasCreationDate, date_node))
            elif date.get("type") == "bulk":
                g.add((node, RICO.hasOrHadMostMembersWithCreationDate, date_node))
            else:
                g.add((node, RICO.hasOrHadAllMembersWithCreationDate, date_node))
        if row["extent"]:
            g.add((node, RICO.recordResourceExtent, Literal(row["extent"])))
        notes = list(row["notes"] or [])
        for prop, types in (
            (RICO.scopeAndContent, ("scopecontent",)),
            (RICO.conditionsOfAccess, ("accessrestrict",)),
            (RICO.conditionsOfUse, ("userestrict",)),
        ):
            text = _notes(notes, *types)
            if text:
                g.add((node, prop, Literal(text)))

    def _link_term(
        self, g: Graph, node: URIRef, term: tuple[str, str, str, str, str], record: bool
    ) -> None:
        kind, relation, text, source, identifier = term
        other = self._term(g, kind, text, source, identifier)
        if relation == AccessTerm.CREATOR and kind in NAME_KINDS:
            g.add((node, RICO.hasCreator, other))
            g.add((other, RICO.isCreatorOf, node))
        elif kind == "genreform":
            prop = (
                RICO.hasDocumentaryFormType
                if record
                else RICO.hasOrHadSomeMemberswithDocumentaryFormType
            )
            g.add((node, prop, other))
        else:
            g.add((node, RICO.hasOrHadSubject, other))
            g.add((other, RICO.isOrWasSubjectOf, node))

    def _named_in_text(self, g: Graph, node: URIRef, agents: Iterable[str]) -> None:
        for identifier in agents:
            agent = URIRef(iris.agent_iri(identifier))
            g.add((node, RICO.hasOrHadSubject, agent))
            g.add((agent, RICO.isOrWasSubjectOf, node))

    def collection(self, collection: Collection) -> Graph:
        g = self.graph()
        node = URIRef(iris.collection_iri(collection.identifier))
        row = {
            "title": collection.title,
            "identifier": collection.unitid or collection.identifier,
            "level": collection.level or "collection",
            "date_text": collection.date_text,
            "dates": collection.dates,
            "begin_year": collection.begin_year,
            "end_year": collection.end_year,
            "extent": collection.extent,
            "notes": collection.notes,
        }
        self._describe(g, node, row, record=False)
        if collection.abstract:
            g.add((node, RICO.generalDescription, Literal(collection.abstract)))
        holder = self._holder(g, collection.repository)
        g.add((node, RICO.hasOrHadHolder, holder))
        g.add((holder, RICO.isOrWasHolderOf, node))
        for language in collection.languages:
            found = self._language(g, language) if isinstance(language, dict) else None
            if found is not None:
                g.add((node, RICO.hasOrHadSomeMembersWithLanguage, found))
        for term in collection.terms.filter(component__isnull=True).values_list(
            "kind", "relation", "text", "source", "identifier"
        ):
            self._link_term(g, node, term, record=False)
        self._named_in_text(g, node, self._text_names(collection).get("", []))
        return g

    def _text_names(self, collection: Collection) -> dict[str, list[str]]:
        """Component ref ("" for the collection) -> roster records named in its text."""
        found: dict[str, list[str]] = defaultdict(list)
        for ref, identifier in Appearance.objects.filter(
            collection=collection, role=Appearance.TEXT, agent__in=Agent.objects.public()
        ).values_list("component_ref", "agent__identifier"):
            found[ref].append(identifier)
        return found

    def components(self, collection: Collection) -> Iterator[Graph]:
        top = URIRef(iris.collection_iri(collection.identifier))
        url_of = iris.ComponentIRIs(collection.identifier)
        named = self._text_names(collection)
        public = Component.objects.filter(collection=collection).order_by("sequence")
        after = 0
        while True:
            rows = list(public.filter(sequence__gt=after).values(*COMPONENT_FIELDS)[:CHUNK])
            if not rows:
                return
            after = rows[-1]["sequence"]
            terms: dict[int, list[tuple[str, str, str, str, str]]] = defaultdict(list)
            for component_id, *term in (
                AccessTerm.objects.filter(component_id__in=[r["id"] for r in rows])
                .order_by("component_id", "position")
                .values_list("component_id", "kind", "relation", "text", "source", "identifier")
            ):
                terms[component_id].append((term[0], term[1], term[2], term[3], term[4]))
            g = self.graph()
            for row in rows:
                node = URIRef(url_of(row["ref"]))
                parent = URIRef(url_of(row["parent__ref"])) if row["parent__ref"] else top
                record = is_record(row["level"])
                self._describe(g, node, dict(row, identifier=row["unitid"] or row["ref"]), record)
                g.add((node, RICO.isDirectlyIncludedIn, parent))
                g.add((parent, RICO.directlyIncludes, node))
                g.add((node, RICO.isIncludedInTransitive, top))
                for term in terms.get(row["id"], []):
                    self._link_term(g, node, term, record)
                self._named_in_text(g, node, named.get(row["ref"], []))
            yield g

    # -- the roster

    def _same_as(self) -> dict[str, list[str]]:
        """Roster identifier -> authority URIs of the finding aids' names matched to it."""
        found: dict[str, list[str]] = defaultdict(list)
        for text, kind, source, identifier in (
            AccessTerm.objects.filter(kind__in=NAME_KINDS)
            .exclude(identifier="")
            .values_list("text", "kind", "source", "identifier")
            .distinct()
        ):
            agent = self.matches.get((text, kind))
            uri = iris.authority_uri(source, identifier)
            if agent is not None and uri:
                found[agent.identifier].append(uri)
        return found

    def agents(self) -> Iterator[Graph]:
        same_as = self._same_as()
        types = dict(Agent.ORGANIZATION_TYPES)
        agents = Agent.objects.public().order_by("identifier")
        after = ""
        while True:
            chunk = list(
                agents.filter(identifier__gt=after).prefetch_related("names")[:AGENT_CHUNK]
            )
            if not chunk:
                break
            after = chunk[-1].identifier
            g = self.graph()
            for agent in chunk:
                self._agent(g, agent, same_as.get(agent.identifier, []), types)
            yield g
        yield self.relations()

    def _agent(self, g: Graph, agent: Agent, same_as: list[str], types: dict[str, str]) -> None:
        node = URIRef(iris.agent_iri(agent.identifier))
        g.add((node, RDF.type, AGENT_CLASSES.get(agent.kind, RICO.Agent)))
        g.add((node, RDFS.label, Literal(agent.authorized_name)))
        names = [(agent.authorized_name, "authorized", "", "", "")]
        names += [
            (n.name, n.name_type, n.language, n.script, n.dates)
            for n in agent.names.all()
            if (n.name, n.name_type) != (agent.authorized_name, "authorized")
        ]
        for position, (text, name_type, language, script, dates) in enumerate(names):
            name = URIRef(f"{node}#name-{position}")
            g.add((name, RDF.type, RICO.AgentName))
            g.add((name, RICO.textualValue, Literal(text, lang=language_tag(language, script))))
            g.add((name, RICO.type, Literal(name_type)))
            g.add((node, RICO.hasOrHadAgentName, name))
            g.add((name, RICO.isOrWasAgentNameOf, node))
            used = exact_dates(dates)
            if used.start:
                g.add((name, RICO.usedFromDate, typed_date(used.start, used.start_precision)))
            if used.end:
                g.add((name, RICO.usedToDate, typed_date(used.end, used.end_precision)))
        if agent.existence:
            self._date(g, node, f"{node}#existence", agent.existence, RICO.isAssociatedWithDate)
            exact = exact_dates(agent.existence)
            person = agent.kind == Agent.PERSON
            if exact.start:
                prop = RICO.birthDate if person else RICO.beginningDate
                g.add((node, prop, typed_date(exact.start, exact.start_precision)))
            if exact.end:
                prop = RICO.deathDate if person else RICO.endDate
                g.add((node, prop, typed_date(exact.end, exact.end_precision)))
        if agent.summary:
            g.add((node, RICO.generalDescription, Literal(agent.summary)))
        if agent.history:
            g.add((node, RICO.history, Literal(agent.history)))
        for position, place in enumerate(agent.places, start=1):
            if isinstance(place, dict) and place.get("name"):
                place_node = URIRef(f"{node}#place-{position}")
                g.add((place_node, RDF.type, RICO.Place))
                g.add((place_node, RICO.name, Literal(str(place["name"]))))
                g.add((node, RICO.isAgentAssociatedWithPlace, place_node))
        if agent.kind == Agent.ORGANIZATION and agent.organization_type:
            kind = URIRef(iris.absolute(f"/roster/?type={agent.organization_type}"))
            if kind not in self.described:
                self.described.add(kind)
                g.add((kind, RDF.type, RICO.CorporateBodyType))
                g.add((kind, RICO.name, Literal(types.get(agent.organization_type, ""))))
            g.add((node, RICO.hasOrHadCorporateBodyType, kind))
        for uri in dict.fromkeys(iris.web_addresses([str(s) for s in agent.sources]) + same_as):
            g.add((node, OWL.sameAs, URIRef(uri)))

    def _date(self, g: Graph, owner: URIRef, iri: str, value: str, prop: URIRef) -> None:
        node = URIRef(iri)
        g.add((node, RDF.type, RICO.Date))
        g.add((node, RICO.normalizedDateValue, Literal(value)))
        g.add((node, RICO.expressedDate, Literal(label(value))))
        g.add((owner, prop, node))

    def relations(self) -> Graph:
        g = self.graph()
        labels = dict(AgentRelation.TYPES)
        for relation in (
            AgentRelation.objects.filter(source__in=Agent.objects.public())
            .select_related("source", "target")
            .order_by("pk")
        ):
            target = relation.target
            if target is not None and not target.is_public:
                continue
            a = URIRef(iris.agent_iri(relation.source.identifier))
            if target is not None:
                b = URIRef(iris.agent_iri(target.identifier))
                other = target.identifier
            elif relation.target_name:
                other = quote(_SLUG.sub("-", relation.target_name.casefold()).strip("-")[:80])
                b = URIRef(f"{a}#named-{other}")
                g.add((b, RDF.type, RICO.Agent))
                g.add((b, RDFS.label, Literal(relation.target_name)))
            else:
                continue
            # named by what it says, not by a row number, so a reload keeps the address
            node = URIRef(f"{a}#{relation.relation_type.replace('_', '-')}-{other}")
            specific = shortcut(
                relation.relation_type, relation.source.kind, target.kind if target else ""
            )
            if specific is None:
                g.add((node, RDF.type, RICO.AgentToAgentRelation))
                g.add((node, role_property(RICO.AgentToAgentRelation), node))
                g.add((node, RICO.relationConnects, a))
                g.add((node, RICO.relationConnects, b))
                g.add((a, RICO.isAgentAssociatedWithAgent, b))
                g.add((b, RICO.isAgentAssociatedWithAgent, a))
            else:
                cls, a_is_source, forward, backward = specific
                source, dest = (a, b) if a_is_source else (b, a)
                g.add((node, RDF.type, cls))
                g.add((node, role_property(cls), node))
                g.add((node, RICO.relationHasSource, source))
                g.add((node, RICO.relationHasTarget, dest))
                g.add((source, forward, dest))
                g.add((dest, backward, source))
            g.add((node, RICO.type, Literal(labels.get(relation.relation_type, ""))))
            note = "; ".join(p for p in (relation.role, relation.note) if p)
            if note:
                g.add((node, RICO.generalDescription, Literal(note)))
            if relation.dates and edtf(relation.dates):
                self._date(g, node, f"{node}-date", relation.dates, RICO.isAssociatedWithDate)
        return g

    # -- the timeline

    def events(self) -> Iterator[Graph]:
        events = Event.objects.public().order_by("identifier")
        after = ""
        while True:
            chunk = list(
                events.filter(identifier__gt=after).prefetch_related("agents", "collections")[
                    :AGENT_CHUNK
                ]
            )
            if not chunk:
                return
            after = chunk[-1].identifier
            records = self._event_records([e.pk for e in chunk])
            g = self.graph()
            for event in chunk:
                self._event(g, event, records.get(event.pk, []))
            yield g

    def _event_records(self, event_ids: list[int]) -> dict[int, list[URIRef]]:
        """Event -> the public components linked to it."""
        links = list(
            EventComponent.objects.filter(event_id__in=event_ids).values_list(
                "event_id", "collection_id", "component_ref"
            )
        )
        public: set[tuple[int, str]] = set(
            Component.objects.filter(
                collection_id__in={c for _, c, _ in links}, ref__in={r for _, _, r in links}
            ).values_list("collection_id", "ref")
        )
        identifiers = dict(Collection.objects.values_list("id", "identifier"))
        found: dict[int, list[URIRef]] = defaultdict(list)
        for event_id, collection_id, ref in links:
            if (collection_id, ref) in public and collection_id in identifiers:
                found[event_id].append(URIRef(iris.component_iri(identifiers[collection_id], ref)))
        return found

    def _event(self, g: Graph, event: Event, components: list[URIRef]) -> None:
        node = URIRef(iris.event_iri(event.identifier))
        language = language_tag(event.language)
        g.add((node, RDF.type, RICO.Event))
        g.add((node, RDFS.label, Literal(event.title, lang=language)))
        g.add((node, RICO.name, Literal(event.title, lang=language)))
        if event.description:
            g.add(
                (node, RICO.generalDescription, Literal(event.description.strip(), lang=language))
            )
        if event.date:
            self._date(g, node, f"{node}#date", event.date, RICO.occurredAtDate)
        if event.place:
            place = URIRef(f"{node}#place")
            g.add((place, RDF.type, RICO.Place))
            g.add((place, RICO.name, Literal(event.place, lang=language)))
            g.add((node, RICO.isAssociatedWithPlace, place))
        for agent in event.agents.all():
            if agent.is_public:
                other = URIRef(iris.agent_iri(agent.identifier))
                g.add((node, RICO.hasOrHadParticipant, other))
                g.add((other, RICO.isOrWasParticipantIn, node))
        records = [URIRef(iris.collection_iri(c.identifier)) for c in event.collections.all()]
        for record in records + components:
            g.add((record, RICO.hasOrHadSubject, node))
            g.add((node, RICO.isOrWasSubjectOf, record))


def rico_graphs() -> Iterator[Graph]:
    """The archive as a sequence of small graphs, one per chunk of records."""
    return Builder().graphs()


def archive_graph() -> Graph:
    """The whole archive in one graph (in memory)."""
    graph = new_graph()
    for _ in Builder(single=graph).graphs():
        pass
    return graph


def turtle_chunks() -> Iterator[bytes]:
    """Turtle, a chunk at a time. Each chunk repeats the prefixes, which Turtle
    allows, and no blank node is used, so the chunks join into one document."""
    for graph in rico_graphs():
        if len(graph):
            yield write_turtle(graph, PREFIX_IRIS).encode("utf-8")


def turtle() -> bytes:
    return b"".join(turtle_chunks())


def json_ld() -> bytes:
    return archive_graph().serialize(
        format="json-ld", context=JSONLD_CONTEXT, auto_compact=True, encoding="utf-8"
    )


def ntriples() -> Iterator[bytes]:
    """N-Triples, a chunk at a time: the archive is never held in memory whole."""
    for graph in rico_graphs():
        yield graph.serialize(format="nt", encoding="utf-8")
