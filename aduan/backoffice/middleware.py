"""Staff sessions end: after ``STAFF_IDLE_MINUTES`` without a request and, however
busy, ``STAFF_SESSION_HOURS`` after the sign-in. A staff session reads confidential
reports and opens anonymous reporters' identities; a browser left open on a shared
office computer must not keep that power for the two weeks a citizen's session
lasts. Citizens' sessions are left as they are.

The times live in the session itself (seconds since the epoch), so a test moves the
clock by changing them, and no other table is written."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.auth import logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.backoffice.auth import needs_second_factor

SESSION_KEY = "aduan.staff_session"
# "seen" is rewritten at most this often (seconds), not on every request: a session
# write per request would cost a database write per page. A session may so end up
# to this much before its idle time is fully over.
SEEN_PRECISION = 60


def staff_session_start(request: HttpRequest) -> None:
    """The staff sign-in calls this once both factors passed: the clocks start."""
    now = int(timezone.now().timestamp())
    request.session[SESSION_KEY] = {"started": now, "seen": now}


def _ended(request: HttpRequest) -> str:
    """Why the staff session is over (a message for the sign-in page), or "" while it
    may go on; refreshes the time it was last seen."""
    now = int(timezone.now().timestamp())
    times = request.session.get(SESSION_KEY)
    if not isinstance(times, dict):
        # A session from before these limits (or one made without the sign-in, as
        # tests do): it counts from now.
        staff_session_start(request)
        return ""
    started, seen = times.get("started"), times.get("seen")
    if not isinstance(started, int) or not isinstance(seen, int):
        return _("Sesi petugas Anda tidak sah lagi. Silakan masuk lagi.")
    if now - started > settings.STAFF_SESSION_HOURS * 3600:
        return _("Sesi petugas berakhir setelah %(hours)d jam. Silakan masuk lagi.") % {
            "hours": settings.STAFF_SESSION_HOURS
        }
    if now - seen > settings.STAFF_IDLE_MINUTES * 60:
        return _(
            "Sesi petugas berakhir karena tidak ada kegiatan selama %(minutes)d menit. "
            "Silakan masuk lagi."
        ) % {"minutes": settings.STAFF_IDLE_MINUTES}
    if now - seen >= SEEN_PRECISION:
        request.session[SESSION_KEY] = {"started": started, "seen": now}
    return ""


class StaffSessionMiddleware:
    """Signs out a staff session (any account that needs the second factor) that
    has been idle or open too long; the request goes on as the public's, so the back
    office sends it to the staff sign-in, which shows why. Goes after OTPMiddleware
    and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Only a session with someone signed in is looked at: no session read (nor
        # "Vary: Cookie") without a session cookie, no user query without a user.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and USER_SESSION_KEY in request.session
            and needs_second_factor(request.user)
        ):
            reason = _ended(request)
            if reason:
                logout(request)
                messages.info(request, reason)
        return self.get_response(request)
