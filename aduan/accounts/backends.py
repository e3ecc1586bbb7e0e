from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from aduan.accounts import selectors
from aduan.accounts.models import User
from aduan.lib.errors import InvalidInput
from aduan.reporters.services import identity_parse


class IdentityBackend(ModelBackend):
    """Signs a citizen in by a verified phone number or e-mail address, found by its
    keyed hash (the value itself is encrypted). Anything that is neither is left to
    the next backend (staff sign in with their username)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        try:
            kind, value = identity_parse(username)
        except InvalidInput:
            return None
        user = selectors.user_for_identity(kind=kind, value=value)
        if user is None:
            # As long as a wrong password takes: the answer's time tells nothing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
