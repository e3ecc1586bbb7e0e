"""An agency admin's API keys for the agency's own complaint system (made here,
shown once, rotated with a grace period, revoked) and its webhooks (registered with
their events, the signing secret shown once, turned off and on, removed; each with
its delivery log, from which a delivery is sent again). Other roles have no such
pages."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aduan.backoffice.auth import staff_required
from aduan.backoffice.integrations.forms import ApiKeyForm, WebhookForm
from aduan.integrations import selectors, services, webhooks
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


# -- webhooks ------------------------------------------------------------------------

DELIVERIES_SHOWN = 50


def _webhooks_page(
    request: HttpRequest,
    actor: Actor,
    form: WebhookForm,
    made: webhooks.NewWebhook | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "webhooks": webhooks.webhooks_of(actor=actor),
        "form": form,
        "made": made,
    }
    return render(request, "backoffice/integrations/webhooks.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    """The webhooks, and a form for a new one; its secret is in this answer only."""
    actor = _agency_admin(request)
    if request.method != "POST":
        return _webhooks_page(request, actor, WebhookForm())
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _webhooks_page(request, actor, form, status=400)
    try:
        made = webhooks.webhook_create(
            actor=actor, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
        )
    except AduanError as error:
        form.add_error("url" if error.field == "url" else None, str(error.message))
        return _webhooks_page(request, actor, form, status=error.status)
    return _webhooks_page(request, actor, WebhookForm(), made=made)


def _webhook_or_404(actor: Actor, webhook_id: int) -> Any:
    try:
        return webhooks.webhook_get(actor=actor, webhook_id=webhook_id)
    except AduanError:
        raise Http404 from None


@require_POST
@staff_required
def webhook_switch(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Turns a webhook off, or on again (it then sends what waited)."""
    actor = _agency_admin(request)
    webhook = _webhook_or_404(actor, webhook_id)
    webhooks.webhook_update(actor=actor, webhook_id=webhook.pk, active=not webhook.is_active)
    return redirect("backoffice:webhooks")


@require_POST
@staff_required
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _agency_admin(request)
    webhook = _webhook_or_404(actor, webhook_id)
    webhooks.webhook_delete(actor=actor, webhook_id=webhook.pk)
    messages.success(request, str(_("Webhook %(url)s dihapus.") % {"url": webhook.url}))
    return redirect("backoffice:webhooks")


@require_http_methods(["GET", "HEAD"])
@staff_required
def webhook_deliveries(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """A webhook's latest deliveries and how each went."""
    actor = _agency_admin(request)
    webhook = _webhook_or_404(actor, webhook_id)
    deliveries = webhooks.webhook_deliveries(actor=actor, webhook_id=webhook.pk)
    context = {"webhook": webhook, "deliveries": deliveries[:DELIVERIES_SHOWN]}
    return render(request, "backoffice/integrations/deliveries.html", context)


@require_POST
@staff_required
def delivery_replay(request: HttpRequest, webhook_id: int, delivery_id: int) -> HttpResponse:
    actor = _agency_admin(request)
    try:
        webhooks.delivery_replay(actor=actor, webhook_id=webhook_id, delivery_id=delivery_id)
    except AduanError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(_("Pengiriman diulang; masuk antrean paling akhir.")))
    return redirect("backoffice:webhook_deliveries", webhook_id=webhook_id)
