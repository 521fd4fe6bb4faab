"""The RiC-O export of the whole archive: rdflib reads every serialization, the
numbers of record sets, records, agents and events are the public ones, the tree and
the links are there, and nothing internal is."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from fonds.authorities.models import Agent
from fonds.exports.registry import all_exporters, export
from fonds.findingaids.models import Collection, Component
from fonds.linked import rico
from fonds.linked.turtle import write_turtle
from fonds.linked.vocabulary import PREFIX_IRIS, RICO, RST, new_graph
from fonds.timeline.models import Event
from tests.linked.conftest import BASE_URL

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
INTERNAL = ("INTERNAL-MARKER", "demo001-s1-ss3-f5")


@pytest.fixture(scope="module")
def exported(demo_archive, django_db_blocker):
    """Each serialization once, as bytes and as rdflib reads it back."""
    from django.test import override_settings

    found = {}
    with override_settings(BASE_URL=BASE_URL), django_db_blocker.unblock():
        for name, kind in (
            ("rico-turtle", "turtle"),
            ("rico-jsonld", "json-ld"),
            ("rico-ntriples", "nt"),
        ):
            data = export(name)
            found[name] = (data, Graph().parse(data=data, format=kind))
    return found


@pytest.fixture(scope="module")
def graph(exported):
    return exported["rico-turtle"][1]


def subjects_of(graph: Graph, cls: URIRef, under: str = "") -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, cls) if str(s).startswith(BASE_URL + under)}


def test_the_exporters_are_registered():
    found = all_exporters()
    assert found["rico-turtle"].media_type.startswith("text/turtle")
    assert found["rico-jsonld"].media_type == "application/ld+json"
    assert {found[n].scope for n in ("rico-turtle", "rico-jsonld", "rico-ntriples")} == {"archive"}
    assert found["rico-turtle"].extension == "ttl"


def test_every_serialization_parses_to_the_same_graph(exported):
    turtle, jsonld, ntriples = (
        exported[n][1] for n in ("rico-turtle", "rico-jsonld", "rico-ntriples")
    )
    assert len(turtle) > 50_000
    assert set(turtle) == set(jsonld) == set(ntriples)
    print(f"RiC-O triples for the demo archive: {len(turtle):,}")


def test_counts_are_the_public_counts(graph, demo):
    components = Component.objects.all()
    items = components.filter(level__iexact="item").count()
    record_sets = subjects_of(graph, RICO.RecordSet)
    assert len(record_sets) == Collection.objects.count() + components.count() - items
    assert len(subjects_of(graph, RICO.Record)) == items
    assert items > 0
    for kind, cls in (
        ("person", RICO.Person),
        ("organization", RICO.CorporateBody),
        ("family", RICO.Family),
    ):
        roster = Agent.objects.filter(published=True, kind=kind).count()
        assert len(subjects_of(graph, cls, "/roster/")) == roster, kind
    assert len(subjects_of(graph, RICO.Event)) == Event.objects.filter(published=True).count()


def test_nothing_internal(exported, demo):
    assert Component.all_objects.filter(internal=True).exists()
    for name, (data, graph) in exported.items():
        for marker in INTERNAL:
            assert marker.encode() not in data, (name, marker)
        internal = {
            URIRef(BASE_URL + c.get_absolute_url())
            for c in Component.all_objects.filter(internal=True)
        }
        assert not internal & set(graph.subjects()), name


def test_the_tree(graph, demo):
    collection = URIRef(f"{BASE_URL}/collections/DEMO-001/")
    assert (collection, RICO.hasRecordSetType, RST.Collection) in graph
    parents = Counter(s for s, _ in graph.subject_objects(RICO.isDirectlyIncludedIn))
    assert set(parents.values()) == {1}  # one parent each
    for component in Component.objects.filter(collection__identifier="DEMO-001"):
        node = URIRef(BASE_URL + component.get_absolute_url())
        parent = (
            URIRef(BASE_URL + component.parent.get_absolute_url())
            if component.parent_id
            else collection
        )
        assert (node, RICO.isDirectlyIncludedIn, parent) in graph
        assert (parent, RICO.directlyIncludes, node) in graph
        assert (node, RICO.isIncludedInTransitive, collection) in graph
        assert graph.value(node, RICO.title) == Literal(component.display_title)
    series = Component.objects.get(collection__identifier="DEMO-001", ref="demo001-s1")
    assert (
        URIRef(BASE_URL + series.get_absolute_url()),
        RICO.hasRecordSetType,
        RST.Series,
    ) in graph


def test_dates_are_edtf(graph, demo):
    collection = URIRef(f"{BASE_URL}/collections/DEMO-001/")
    inclusive = graph.value(collection, RICO.hasOrHadAllMembersWithCreationDate)
    assert (inclusive, RDF.type, RICO.Date) in graph
    assert graph.value(inclusive, RICO.normalizedDateValue) == Literal("1963/1989")
    assert graph.value(inclusive, RICO.expressedDate) == Literal("1963-1989")
    bulk = graph.value(collection, RICO.hasOrHadMostMembersWithCreationDate)
    assert graph.value(bulk, RICO.normalizedDateValue) == Literal("1970/1987")
    event = URIRef(f"{BASE_URL}/timeline/1920s-magen/")
    when = graph.value(event, RICO.occurredAtDate)
    assert graph.value(when, RICO.normalizedDateValue) == Literal("192X")
    assert graph.value(when, RICO.expressedDate) == Literal("the 1920s")


def test_creators_subjects_and_participants(graph, demo):
    council = URIRef(f"{BASE_URL}/roster/cleveland-council/")
    collection = URIRef(f"{BASE_URL}/collections/DEMO-001/")
    assert (collection, RICO.hasCreator, council) in graph
    assert (council, RICO.isCreatorOf, collection) in graph
    sharansky = URIRef(f"{BASE_URL}/roster/natan-sharansky/")
    assert (collection, RICO.hasOrHadSubject, sharansky) in graph
    assert (sharansky, RICO.isOrWasSubjectOf, collection) in graph
    place = URIRef(f"{BASE_URL}/search?place=Cleveland+%28Ohio%29")
    assert (collection, RICO.hasOrHadSubject, place) in graph
    assert (place, RDF.type, RICO.Place) in graph
    event = URIRef(f"{BASE_URL}/timeline/1964-04-27-sssj-founded/")
    assert (event, RICO.hasOrHadParticipant, URIRef(f"{BASE_URL}/roster/sssj/")) in graph
    # the holder of the demo's collections is the archive itself
    assert (collection, RICO.hasOrHadHolder, URIRef(f"{BASE_URL}/#archive")) in graph


def test_agent_names_keep_language_and_script(graph, demo):
    sharansky = URIRef(f"{BASE_URL}/roster/natan-sharansky/")
    names = {
        graph.value(name, RICO.textualValue)
        for name in graph.objects(sharansky, RICO.hasOrHadAgentName)
    }
    assert Literal("Natan Sharansky") in names
    assert Literal("Анатолий Щаранский", lang="ru-Cyrl") in names
    assert Literal("נתן שרנסקי", lang="he-Hebr") in names
    for name in graph.objects(sharansky, RICO.hasOrHadAgentName):
        assert (name, RDF.type, RICO.AgentName) in graph


def test_agent_relations(graph, demo):
    def agent(identifier: str) -> URIRef:
        return URIRef(f"{BASE_URL}/roster/{identifier}/")

    # the National Conference succeeded the American Jewish Conference in 1971
    assert (agent("ajcsj"), RICO.hasSuccessor, agent("ncsj")) in graph
    assert (agent("ncsj"), RICO.isSuccessorOf, agent("ajcsj")) in graph
    relation = URIRef(f"{BASE_URL}/roster/ncsj/#successor-of-ajcsj")
    assert (relation, RDF.type, RICO.AgentTemporalRelation) in graph
    assert (relation, RICO.agentTemporalRelation_role, relation) in graph
    assert graph.value(relation, RICO.relationHasSource) == agent("ajcsj")
    assert graph.value(relation, RICO.relationHasTarget) == agent("ncsj")
    date = graph.value(relation, RICO.isAssociatedWithDate)
    assert graph.value(date, RICO.normalizedDateValue) == Literal("1971")
    # a person who leads a group; people who are members of a group
    assert (agent("ncsj"), RICO.hasOrHadLeader, agent("jerry-goodman")) in graph
    assert (agent("cleveland-council"), RICO.hasOrHadMember, agent("louis-rosenblum")) in graph
    # a council in a union of councils: two groups, the generic relation
    assert (agent("cleveland-council"), RICO.isAgentAssociatedWithAgent, agent("ucsj")) in graph
    assert (agent("us-congress"), RICO.hasOrHadSubordinate, agent("us-house")) in graph


def test_chunks_make_the_same_graph(graph, demo, monkeypatch):
    """Smaller chunks (parents in an earlier chunk than their children) change nothing."""
    monkeypatch.setattr(rico, "CHUNK", 333)
    monkeypatch.setattr(rico, "AGENT_CHUNK", 7)
    chunks = list(rico.rico_graphs())
    assert len(chunks) > 20
    assert set(graph) == {t for chunk in chunks for t in chunk}


@pytest.mark.parametrize(
    "text",
    [
        'quotes " and """ and \\ backslashes',
        'ends with a quote"',
        'ends with two quotes""',
        "lines\nand\r\nreturns\n",
        "Щаранский נתן \u2028 tab\t",
        "",
    ],
)
def test_turtle_writer_keeps_every_literal(text):
    graph = new_graph()
    subject = URIRef("https://archive.example.org/collections/X%20Y/a(b)/")
    graph.add((subject, RDF.type, RICO.Record))
    graph.add((subject, RICO.title, Literal(text)))
    graph.add((subject, RICO.name, Literal(text, lang="ru-Cyrl")))
    graph.add(
        (
            subject,
            RICO.identifier,
            Literal("1970", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
        )
    )
    graph.add(
        (subject, RICO.isRelatedTo, URIRef("https://archive.example.org/search?q=a+b&c=%28d%29"))
    )
    graph.add((subject, RICO.hasOrHadSubject, URIRef(str(RICO) + "not:a-local-name")))
    written = write_turtle(graph, PREFIX_IRIS)
    assert set(Graph().parse(data=written, format="turtle")) == set(graph)
