"""What Django's SecurityMiddleware and ContentSecurityPolicyMiddleware leave to us:

- the proxy's HTTPS header (``SECURE_PROXY_SSL_HEADER``) is believed only from a
  trusted proxy (the one rule of ``aduan.lib.clientaddress``): a client that
  reaches the app server directly cannot claim HTTPS and skip the redirect;
- every response says which browser features the site never uses
  (``Permissions-Policy``, from ``settings.PERMISSIONS_POLICY``);
- in debug mode (the demo), Django's own error pages, which style and script
  inline, are left without a Content-Security-Policy so they stay readable.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from aduan.lib.clientaddress import address_parse, is_trusted_proxy

Handler = Callable[[HttpRequest], HttpResponseBase]
# Django's debug error pages (technical_404.html, technical_500.html) say this.
_DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


class ProxyHttpsMiddleware:
    """Drops the proxy's HTTPS header from a request that did not come through a
    trusted proxy. Goes before SecurityMiddleware, which redirects on it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = settings.SECURE_PROXY_SSL_HEADER
        if header and header[0] in request.META:
            peer = address_parse(str(request.META.get("REMOTE_ADDR") or ""))
            if not is_trusted_proxy(peer):
                del request.META[header[0]]
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.permissions_policy = str(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if settings.DEBUG and response.status_code in (404, 500) and _technical(response):
            response._csp_config = None  # type: ignore[attr-defined]
        return response


def _technical(response: HttpResponseBase) -> bool:
    content = getattr(response, "content", b"")
    return isinstance(content, bytes) and _DEBUG_PAGE_MARK in content
