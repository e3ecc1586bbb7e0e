"""An agency admin's API keys for the agency's own complaint system: made here,
shown once, rotated with a grace period, revoked. Other roles have no such page."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aduan.backoffice.auth import staff_required
from aduan.backoffice.integrations.forms import ApiKeyForm
from aduan.integrations import selectors, services
from aduan.lib.errors import AduanError
from aduan.reports.policy import Actor


def _agency_admin(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)  # type: ignore[arg-type]
    if actor.role != "agency_admin":
        raise Http404
    return actor


def _page(
    request: HttpRequest,
    actor: Actor,
    form: ApiKeyForm,
    issued: services.IssuedKey | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "keys": selectors.api_keys_of(actor=actor).select_related("created_by"),
        "form": form,
        "issued": issued,
    }
    return render(request, "backoffice/integrations/keys.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """The keys, and a form for a new one; a new key's secret is in this answer only
    (never stored, never cached)."""
    actor = _agency_admin(request)
    if request.method != "POST":
        return _page(request, actor, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, form, status=400)
    try:
        issued = services.api_key_issue(
            actor=actor, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
    except AduanError as error:
        form.add_error(None, str(error.message))
        return _page(request, actor, form, status=error.status)
    return _page(request, actor, ApiKeyForm(), issued=issued)


@never_cache
@require_POST
@staff_required
def api_key_rotate(request: HttpRequest, key_id: int) -> HttpResponse:
    actor = _agency_admin(request)
    try:
        issued = services.api_key_rotate(actor=actor, key_id=key_id)
    except AduanError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, str(error.message))
        return redirect("backoffice:api_keys")
    return _page(request, actor, ApiKeyForm(), issued=issued)


@require_POST
@staff_required
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    actor = _agency_admin(request)
    try:
        key = services.api_key_revoke(actor=actor, key_id=key_id)
    except AduanError as error:
        if error.status == 404:
            raise Http404 from None
        raise
    messages.success(
        request, str(_("Kunci %(name)s dicabut dan tidak berlaku lagi.") % {"name": key.name})
    )
    return redirect("backoffice:api_keys")
