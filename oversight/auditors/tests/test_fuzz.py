"""A bounded schemathesis run over the auditor endpoints as management: never a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from oversight.accounts import services as accounts
from oversight.auditors.tests.conftest import build_register

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


@pytest.mark.parametrize("who", ["cleo", "ada"])
def test_no_input_causes_a_server_error(who, personas, company, keep_test_connection):
    from oversight.wsgi import application

    build_register(company, personas)
    token = accounts.create_api_token(
        actor=personas[who], company=company, name="fuzz", days=1
    ).secret
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/auditors/")
    ]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
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
