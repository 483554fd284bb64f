"""The committee API fuzzed against a populated register: no input makes it answer 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from oversight.accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_test_connection():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_input_causes_a_server_error(
    personas, committee, keep_test_connection
) -> None:
    from oversight.wsgi import application

    token = services.create_api_token(
        actor=personas["fay"], company=committee, name="fuzz", days=1
    ).secret
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [r.ok() for r in schema.get_all_operations()]
    ours = [op for op in operations if op.path.startswith("/api/v1/committee/")]
    assert len(ours) >= 15
    failures: list[str] = []
    for operation in ours:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r} → {response.status_code}"
                )

        call()
    assert failures == []
