from typing import Any

import pytest
from django.test import Client

from aduan.reference.services import reference_data_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Every test database holds the full reference data (all 83,762 villages), loaded
    once per session; each test runs in a transaction on top of it."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def api(db: None) -> Client:
    return Client(headers={"accept": "application/json"})
