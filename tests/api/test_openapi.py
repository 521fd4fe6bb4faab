"""The OpenAPI description tells the whole truth: every endpoint, every parameter a view
accepts (read from the views' own declarations), every schema it points to; and
docs/api.md names them all. A parameter added to a view without its documentation
fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern

from fonds.api import urls
from fonds.api.http import not_found, view_params
from fonds.api.openapi import description
from fonds.api.views import to_index

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def routes() -> dict[str, Any]:
    """OpenAPI path -> view, for every endpoint of fonds/api/urls.py."""
    found = {}
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.callback in (not_found, to_index):
            continue
        route = str(pattern.pattern)
        assert route.startswith("v1/"), route
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.removeprefix("v1/"))
        found[path] = pattern.callback
    return found


def resolved(parameter: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        name = parameter["$ref"].removeprefix("#/components/parameters/")
        return spec["components"]["parameters"][name]
    return parameter


def test_the_description_is_served_as_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    spec = response.json()
    assert spec == json.loads(json.dumps(description()))
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "/api/v1", "description": "This portal."}]


def test_every_endpoint_is_described_and_nothing_else():
    spec = description()
    assert set(routes()) == set(spec["paths"])
    for path, item in spec["paths"].items():
        assert set(item) == {"get"}, path
        operation = item["get"]
        assert operation["summary"] and operation["operationId"]
        assert "200" in operation["responses"] and "default" in operation["responses"], path


def test_every_parameter_a_view_accepts_is_described():
    spec = description()
    for path, view in routes().items():
        declared = view_params(view)
        assert declared is not None, f"{path}: not an @endpoint view"
        described = [resolved(p, spec) for p in spec["paths"][path]["get"]["parameters"]]
        query = {p["name"]: p for p in described if p["in"] == "query"}
        accepted = {p.name: p for p in declared}
        assert set(accepted) <= set(query), f"{path}: undocumented {set(accepted) - set(query)}"
        assert set(query) <= set(accepted), (
            f"{path}: documented, not accepted: {set(query) - set(accepted)}"
        )
        for name, param in accepted.items():
            repeatable = query[name]["schema"].get("type") == "array"
            assert param.repeatable == repeatable, f"{path}: {name} repeatable?"
            assert query[name]["description"], f"{path}: {name} has no description"
        in_path = {p["name"] for p in described if p["in"] == "path"}
        assert in_path == set(re.findall(r"\{(\w+)\}", path)), path
        assert all(p.get("required") for p in described if p["in"] == "path")


def test_an_undeclared_parameter_cannot_be_read():
    """Views read parameters through their declarations only, so the test above sees all."""
    from django.http import QueryDict

    from fonds.api.params import LIMIT, Query

    query = Query.parse(QueryDict("limit=5&secret=1"), [LIMIT])
    assert query.integer("limit") == 5
    with pytest.raises(LookupError):
        query.text("secret")


def test_every_reference_resolves():
    spec = description()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for reference in set(refs(spec)):
        assert reference.startswith("#/components/"), reference
        target: Any = spec
        for part in reference.removeprefix("#/").split("/"):
            assert part in target, f"{reference} does not resolve"
            target = target[part]


def test_docs_name_every_endpoint_and_parameter():
    text = (ROOT / "docs" / "api.md").read_text()
    spec = description()
    for path, item in spec["paths"].items():
        assert f"/api/v1{path}" in text, f"docs/api.md does not mention /api/v1{path}"
        for parameter in item["get"]["parameters"]:
            parameter = resolved(parameter, spec)
            if parameter["in"] == "path":
                continue  # named by the path itself
            name = parameter["name"]
            assert f"`{name}`" in text, f"docs/api.md does not mention `{name}` ({path})"
    for code in spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
        "enum"
    ]:
        assert f"`{code}`" in text, f"docs/api.md does not mention the error code `{code}`"
