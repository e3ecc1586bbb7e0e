"""Proof that a webhook request comes from Meta (DESIGN.md §10).

Meta signs every POST to the webhook with the app secret: ``X-Hub-Signature-256:
sha256=<hex HMAC-SHA256 of the raw body>``. Before it sends anything it checks the
URL is ours with a GET carrying ``hub.mode=subscribe``, the verify token we gave
it, and a challenge to echo back. Both checks live here, apart from the view, so
they can be tested without a request."""

import hashlib
import hmac
import re
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Hub-Signature-256"

_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
# The challenge goes back as text/plain: printable ASCII only, and no "<", so that
# a browser sniffing the type can never find markup in it.
_CHALLENGE = re.compile(r"[\x20-\x3b\x3d-\x7e]{1,128}")


def signature_valid(body: bytes, header: str, secret: str) -> bool:
    """Whether ``header`` is the HMAC-SHA256 of the raw ``body`` under the app
    ``secret``, compared in constant time. Without a secret nothing is valid:
    an unconfigured channel must not accept what anyone could sign."""
    if not secret or not isinstance(header, str):
        return False
    matched = _SIGNATURE.fullmatch(header.strip())
    if matched is None:
        return False
    expected = hmac.new(_bytes(secret), body, hashlib.sha256).digest()
    return hmac.compare_digest(bytes.fromhex(matched.group(1)), expected)


def verify_challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The challenge to echo for Meta's verification GET, or None when the request
    is not one (another mode, a wrong token, no token configured) or its challenge
    is not plain enough to echo."""
    if not verify_token:
        return None
    mode, token, challenge = (
        params.get("hub.mode"),
        params.get("hub.verify_token"),
        params.get("hub.challenge"),
    )
    if mode != "subscribe" or not isinstance(token, str) or not isinstance(challenge, str):
        return None
    if not hmac.compare_digest(_bytes(token), _bytes(verify_token)):
        return None
    return challenge if _CHALLENGE.fullmatch(challenge) else None


def _bytes(text: str) -> bytes:
    # "surrogatepass": a lone surrogate (possible in a value read from the
    # environment) is compared as it is rather than raising.
    return text.encode("utf-8", "surrogatepass")
