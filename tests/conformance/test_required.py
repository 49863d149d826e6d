"""A missing validator skips its tests locally and fails them when the validators are required."""

from __future__ import annotations

import pytest

from .conftest import REQUIRE_ENV, unavailable


def test_missing_validator_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="rapper is not installed"):
        unavailable("rapper", "apt-get install raptor2-utils")


def test_missing_validator_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_ENV}=1 requires it"):
        unavailable("rapper", "apt-get install raptor2-utils")
