"""The exporters of fonds, registered by format name."""

from __future__ import annotations

from typing import Any

from .registry import register


def _public_agents() -> Any:
    from fonds.authorities.models import Agent

    return Agent.objects.public().order_by("identifier").prefetch_related("names")


def _public_events() -> Any:
    from fonds.timeline.models import Event

    return (
        Event.objects.public()
        .order_by("sort_date", "identifier")
        .prefetch_related("agents", "collections")
    )


def _public_items() -> list[dict[str, Any]]:
    from fonds.bibliography.models import Work

    return [dict(w.csl, id=w.identifier) for w in Work.objects.public()]


@register("eac-cpf-2010", "EAC-CPF 2010", "application/xml", "xml", "agent")
def eac_2010(agent: Any) -> bytes:
    from fonds.authorities.eac import export_eac

    return export_eac(agent, "2010")


@register("eac-cpf-2.0", "EAC-CPF 2.0", "application/xml", "xml", "agent")
def eac_2(agent: Any) -> bytes:
    from fonds.authorities.eac import export_eac

    return export_eac(agent, "2.0")


@register("roster-csv", "Roster (CSV)", "text/csv; charset=utf-8", "csv", "archive")
def roster_csv(_: Any = None) -> bytes:
    from fonds.authorities.records import agent_record
    from fonds.formats.roster import write_roster_csv

    return write_roster_csv([agent_record(a) for a in _public_agents()]).encode()


@register("roster-yaml", "Roster (YAML)", "application/yaml", "yaml", "archive")
def roster_yaml(_: Any = None) -> bytes:
    from fonds.authorities.records import agent_record
    from fonds.formats.roster import write_roster_yaml

    return write_roster_yaml([agent_record(a) for a in _public_agents()]).encode()


@register("timelinejs", "Timeline (TimelineJS JSON)", "application/json", "json", "archive")
def timelinejs(_: Any = None) -> bytes:
    from fonds.formats.timelinejs import write_timelinejs
    from fonds.timeline.records import event_record

    return write_timelinejs(None, [event_record(e) for e in _public_events()]).encode()


@register("events-yaml", "Timeline (YAML)", "application/yaml", "yaml", "archive")
def events_yaml(_: Any = None) -> bytes:
    from fonds.formats.timeline import write_events_yaml
    from fonds.timeline.records import event_record

    return write_events_yaml([event_record(e) for e in _public_events()]).encode()


@register("events-csv", "Timeline (CSV)", "text/csv; charset=utf-8", "csv", "archive")
def events_csv(_: Any = None) -> bytes:
    from fonds.formats.timeline import write_events_csv
    from fonds.timeline.records import event_record

    return write_events_csv([event_record(e) for e in _public_events()]).encode()


@register("csl-json", "Bibliography (CSL-JSON)", "application/json", "json", "archive")
def csl_json(_: Any = None) -> bytes:
    from fonds.formats.csl import write_csl_json

    return write_csl_json(_public_items()).encode()


@register(
    "bibtex", "Bibliography (BibTeX)", "application/x-bibtex; charset=utf-8", "bib", "archive"
)
def bibtex(_: Any = None) -> bytes:
    from fonds.formats.bibtex import write_bibtex

    return write_bibtex(_public_items()).encode()


@register("ris", "Bibliography (RIS)", "application/x-research-info-systems", "ris", "archive")
def ris(_: Any = None) -> bytes:
    from fonds.formats.ris import write_ris

    return write_ris(_public_items()).encode()


@register(
    "ead-source", "EAD as loaded, without internal content", "application/xml", "xml", "collection"
)
def ead_source(collection: Any) -> bytes:
    import zlib

    from fonds.findingaids.downloads import hidden_components, public_ead

    source = zlib.decompress(collection.source.content)
    return public_ead(source, hidden_components(collection))
