"""Asking the API, and holding its answers to the OpenAPI description's schemas."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs

from fonds.api.openapi import description


@functools.cache
def validator(name: str) -> Any:
    root = {"$ref": f"#/components/schemas/{name}", "components": description()["components"]}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def conforms(body: Any, schema: str) -> None:
    errors = [
        f"{'/'.join(map(str, e.instance_path))}: {e.message}"
        for e in validator(schema).iter_errors(body)
    ]
    assert not errors, f"not a {schema}:\n" + "\n".join(errors[:10])


def get(client, url: str, schema: str | None = None, status: int = 200, **params: Any) -> Any:
    """The JSON of a GET, checked for status, CORS and (when named) its schema."""
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:500])
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if status >= 400:
        conforms(body, "Error")
        assert body["error"]["status"] == status
    elif schema:
        conforms(body, schema)
    return body


def walk(client, url: str, schema: str, **params: Any) -> list[dict[str, Any]]:
    """Every record of a listing, following ``next`` to the end."""
    records: list[dict[str, Any]] = []
    body = get(client, url, schema, **params)
    records += body["data"]
    pages = 1
    while body["next"]:
        body = get(client, body["next"], schema)
        records += body["data"]
        pages += 1
        assert pages < 1000, "the pages never end"
    return records


def path_of(url: str) -> str:
    """/api/v1/... of an absolute address the API gave."""
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")
