"""A bounded schemathesis run over the whole API: no input makes it answer with a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from oversight.accounts import services

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires the request signals that close connections;
    keep the test's transaction open, as Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_input_causes_a_server_error(
    personas, company, keep_test_connection
) -> None:
    from oversight.wsgi import application

    token = services.create_api_token(
        actor=personas["ada"], company=company, name="fuzz", days=1
    ).secret
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    calls: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case) -> None:
            for headers in ({"Authorization": f"Bearer {token}"}, {}):
                response = case.call(headers=headers)
                calls.append(response.status_code)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} → {response.status_code}"
                    )

        call()
    assert failures == []
    assert len(calls) >= 2 * len(operations)
    assert (
        200 in calls and 401 in calls
    )  # both the authorised and the anonymous paths were exercised
