"""Contract tests generated from `/api/openapi.json` (schemathesis, in process through the WSGI app): for
every operation, a bounded number of generated requests — with a real token of tenant A — must get no
server error and no answer that breaks the description (status, content type, body schema, headers)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kzreg.config.wsgi import application
from tests.api.conftest import token_for

# The examples and fuzzing phases, positive and negative data, bounded per operation; the coverage phase
# (every boundary case of every parameter, unbounded) is left to a manual `schemathesis run` (docs/api.md).
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)
EXAMPLES = 8  # per operation (plus schemathesis' own probes): the file runs in well under a minute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connection_kept_between_requests():
    """The WSGI app closes the database connection after each request (as in production); the test's
    database lives in that connection, so keep it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(tenants) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(tenants.a.admin)}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_keeps_its_description(case, bearer):
    # Schema-valid data that a business rule refuses (a name of no zone, an unknown customer) is answered
    # 400 in the one error shape by design, so "valid data must be accepted" is not asked; every other
    # check is: no server error, documented statuses, content types, bodies and headers, invalid data
    # refused, authentication enforced.
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
