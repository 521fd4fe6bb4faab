"""``{% load linked %}``: the schema.org JSON-LD of a page, as one <script> element.

Each page template calls its tag once, in ``{% block jsonld %}`` (base.html puts the
block in <head>)::

    {% block jsonld %}{% load linked %}{% collection_jsonld collection %}{% endblock %}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component
from fonds.linked import jsonld
from fonds.timeline.models import Event

register = template.Library()


@register.simple_tag
def home_jsonld() -> SafeString:
    return jsonld.script(jsonld.home())


@register.simple_tag
def collections_jsonld(page: Any) -> SafeString:
    """The list of collections; ``page`` is the page of a Paginator."""
    items = list(page.object_list) if hasattr(page, "object_list") else list(page)
    start = page.start_index() if hasattr(page, "start_index") and items else 1
    total = page.paginator.count if hasattr(page, "paginator") else len(items)
    return jsonld.script(jsonld.collection_list(items, start=start, total=total))


@register.simple_tag
def collection_jsonld(collection: Collection) -> SafeString:
    return jsonld.script(jsonld.collection(collection))


@register.simple_tag
def printable_jsonld(collection: Collection) -> SafeString:
    return jsonld.script(jsonld.printable(collection))


@register.simple_tag
def component_jsonld(
    component: Component, ancestors: Sequence[Component] | None = None
) -> SafeString:
    return jsonld.script(jsonld.component(component, ancestors))


@register.simple_tag
def agent_jsonld(agent: Agent) -> SafeString:
    return jsonld.script(jsonld.agent(agent))


@register.simple_tag
def event_jsonld(event: Event) -> SafeString:
    return jsonld.script(jsonld.event(event))


@register.simple_tag
def work_jsonld(work: Work) -> SafeString:
    return jsonld.script(jsonld.work(work))


@register.simple_tag(takes_context=True)
def page_jsonld(context: Any, kind: str, name: str, description: str = "") -> SafeString:
    """Any other page: ``{% page_jsonld "CollectionPage" "Roster" %}``."""
    request = context.get("request")
    path = request.path if request is not None else "/"
    return jsonld.script(jsonld.web_page(kind, name, path, description))
