"""Fixtures for the SMS channel: a real Kannel gateway (tests/channels/sms/kannel.py)."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.channels.sms.kannel import Kannel, kannel_missing
from tests.reports.conftest import cast, make_report  # noqa: F401  (the people around a report)

KANNEL_NOT_INSTALLED = "Kannel is not installed (apt-get install kannel kannel-extras)"


@pytest.fixture
def kannel_gateway(tmp_path: Path) -> Iterator[Callable[[str, str], Kannel]]:
    """Make a started Kannel that calls ``service_base`` with ``secret``:
    ``kannel = kannel_gateway(service_base, secret)``. Everything made is closed at
    teardown. Skips when Kannel is not installed, fails instead on CI."""
    missing = kannel_missing()
    if missing:
        reason = f"{KANNEL_NOT_INSTALLED}; missing: {', '.join(map(str, missing))}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    made: list[Kannel] = []

    def make(service_base: str, secret: str) -> Kannel:
        kannel = Kannel(
            service_base=service_base, secret=secret, workdir=tmp_path / f"kannel-{len(made)}"
        )
        made.append(kannel)
        kannel.start()
        return kannel

    yield make
    for kannel in made:
        kannel.close()
