"""RDAP test helpers: JSON Schema validation of every response shape, and a rate limiter reset per test."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from kzreg.rdap import cache as answer_cache
from kzreg.rdap import ratelimit

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "https://kzreg.test/rdap/"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        resource = Resource.from_contents(json.loads(path.read_text()))
        resources.append((BASE + path.name, resource))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, registry=_registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def validate(body: dict, name: str) -> dict:
    """Raises with every schema violation listed, so a failing test says what is wrong."""
    errors = sorted(validator(name).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return body


def get(client, url: str, schema: str, status: int = 200, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/rdap+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return validate(json.loads(response.content), schema)


def vcard_props(entity: dict, name: str) -> list[list]:
    return [prop for prop in entity["vcardArray"][1] if prop[0] == name]


def entity_with_role(body: dict, role: str) -> dict:
    return next(e for e in body["entities"] if role in e.get("roles", []))


@pytest.fixture(autouse=True)
def _public_url(settings):
    """The site's configured public URL in these tests (links and port43 come from it, never from Host)."""
    settings.PUBLIC_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    ratelimit.reset()
    yield
    ratelimit.reset()


class Ticking:
    """A monotonic clock that jumps an hour per reading: the answer cache polls before every answer, so
    tests that change a domain between two requests see the change at once (test_cache moves its own)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 3600.0
        return self.now


@pytest.fixture(autouse=True)
def _fresh_answer_cache():
    answer_cache.install(answer_cache.AnswerCache(size=1000, seconds=1.0, monotonic=Ticking()))
    yield
    answer_cache.install(None)
