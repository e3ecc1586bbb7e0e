"""Staff in the back office: a client signed in with both factors."""

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User

# The people around a report, shared with the lifecycle tests.
from tests.reports.conftest import cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report", "staff_client"]


@pytest.fixture
def staff_client(db: None) -> Callable[[User], Client]:
    """A client for ``user`` that passed the second factor (a confirmed
    authenticator app), as the staff sign-in leaves it."""

    def signed_in(user: User) -> Client:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return signed_in
