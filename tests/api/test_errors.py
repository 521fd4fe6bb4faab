"""One error shape for everything under /api/, whatever went wrong; CORS on every answer."""

from __future__ import annotations

import logging

import pytest

from tests.api.helpers import conforms, get

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/openapi.json",
    "/api/v1/collections",
    "/api/v1/collections/DEMO-001",
    "/api/v1/collections/DEMO-001/components",
    "/api/v1/collections/DEMO-001/components/demo001-s1",
    "/api/v1/collections/DEMO-001/components/demo001-s1/children",
    "/api/v1/agents",
    "/api/v1/agents/ncsj",
    "/api/v1/events",
    "/api/v1/events/1970-06-15-leningrad-arrests",
    "/api/v1/works",
    "/api/v1/works/beckerman-2010",
    "/api/v1/search",
    "/api/v1/exports",
    "/api/v1/exports/ris",
]


def test_every_endpoint_answers_get_and_head_with_cors(client):
    for url in ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        head = client.head(url)
        assert head.status_code == 200, url
        assert head["Access-Control-Allow-Origin"] == "*", url


def test_a_preflight_is_answered(client):
    response = client.options(
        "/api/v1/search",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert response["Access-Control-Allow-Headers"] == "accept"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v2/collections",
        "/api/v1/collections/",
        "/api/v1/collections/DEMO-001/components/demo001-s1/children/more",
        "/api/v1/collections/DEMO-001/extra",
        "/api/v1/line%0Abreak",
        "/api/v1/%F0%9F%99%82",
        "/api/v1/collections/NOPE",
        "/api/v1/collections/NOPE/components",
        "/api/v1/collections/DEMO-001/components/nope",
        "/api/v1/collections/DEMO-001/components/nope/children",
        "/api/v1/collections/DEMO-002/components/demo001-s1",
        "/api/v1/collections/NUL%00/components",
        "/api/v1/agents/nobody",
        "/api/v1/events/never",
        "/api/v1/works/unwritten",
        "/api/v1/exports/unknown-format",
    ],
)
def test_not_found_is_json(client, path):
    error = get(client, path, status=404)["error"]
    assert error["code"] == "not_found"
    assert error["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_not_allowed(client, method):
    for url in ("/api/v1/collections", "/api/v1/agents/ncsj", "/api/v1/no-such-thing", "/api/"):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        conforms(body, "Error")
        assert body["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("url", "params", "named"),
    [
        ("/api/v1/collections", {"limit": "0"}, "limit"),
        ("/api/v1/collections", {"limit": "101"}, "limit"),
        ("/api/v1/collections", {"limit": "ten"}, "limit"),
        ("/api/v1/collections", {"limit": ""}, "limit"),
        ("/api/v1/collections", {"limit": " 5"}, "limit"),
        ("/api/v1/collections", {"limit": "٥"}, "limit"),
        ("/api/v1/collections", {"from": "1970s"}, "from"),
        ("/api/v1/collections", {"to": "99999"}, "to"),
        ("/api/v1/collections", {"creator": "a\x00b"}, "creator"),
        ("/api/v1/agents", {"kind": "robot"}, "kind"),
        ("/api/v1/agents", {"type": "National"}, "type"),
        ("/api/v1/events", {"decade": "1975"}, "decade"),
        ("/api/v1/events", {"decade": "197"}, "decade"),
        ("/api/v1/events", {"decade": "-10"}, "decade"),
        ("/api/v1/search", {"sort": "best"}, "sort"),
        ("/api/v1/search", {"from": "x"}, "from"),
        ("/api/v1/search", {"person": ["p"] * 21}, "person"),
        ("/api/v1/search", {"q": "x" * 5001}, "q"),
        ("/api/v1/exports/ris", {"id": "x" * 201}, "id"),
    ],
)
def test_bad_parameters_are_named(client, url, params, named):
    error = get(client, url, status=400, **params)["error"]
    assert error["code"] == "invalid_parameter"
    assert error["message"].startswith(named)


def test_parameters_an_endpoint_does_not_take_are_ignored(client):
    body = get(client, "/api/v1/works", "WorkPage", colour="blue", limit=2)
    assert len(body["data"]) == 2
    assert "colour" not in body["next"]


def test_an_unexpected_failure_is_a_logged_500_in_the_same_shape(client, monkeypatch, caplog):
    from fonds.api import serializers

    def broken(*args, **kwargs):
        raise RuntimeError("the serializer broke")

    monkeypatch.setattr(serializers, "collection_record", broken)
    with caplog.at_level(logging.ERROR, logger="fonds.api"):
        error = get(client, "/api/v1/collections/DEMO-001", status=500)["error"]
    assert error["code"] == "server_error"
    assert "the serializer broke" not in error["message"]  # no internals in the answer
    logged = [r for r in caplog.records if r.name == "fonds.api"]
    assert logged and "the serializer broke" in logged[0].exc_text
    assert "/api/v1/collections/DEMO-001" in logged[0].getMessage()
