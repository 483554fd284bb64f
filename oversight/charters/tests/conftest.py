from __future__ import annotations

import pytest

from oversight.charters.demo import LIBRARY


@pytest.fixture
def oss_source():
    return (LIBRARY / "one-stop-systems.toml").read_text(encoding="utf-8")


@pytest.fixture
def oss_version(company, personas, oss_source):
    from oversight.charters import services

    return services.import_charter(company, actor=personas["fay"], source=oss_source)
