from django.contrib import admin
from django.urls import include, path

from aduan.api import api, not_found
from aduan.backoffice.admin import AduanAdminSite
from aduan.core import probes
from aduan.core.channels import channel_specs
from aduan.core.metrics import metrics

# URLs are the same in both languages: the language comes from the visitor's choice
# (the set_language cookie) or the browser, Indonesian by default.
# The admin asks for the second factor and admits national admins only.
admin.site.__class__ = AduanAdminSite

urlpatterns = [
    path("healthz", probes.healthz, name="healthz"),
    path("readyz", probes.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("kantor/", include("aduan.backoffice.urls")),
    path("open311/", include("aduan.open311.urls")),
    # Each channel's gateway endpoints (aduan/core/channels.py).
    *(path(f"channels/{spec.code}/", include(spec.urls)) for spec in channel_specs() if spec.urls),
    path("", include("aduan.web.urls")),
]

# Django renders its 400 page without the request; ours has the context every page has.
handler400 = "aduan.web.views.bad_request"
# A database that does not answer is a 503 with Retry-After (aduan/core/unavailable.py).
handler500 = "aduan.core.unavailable.server_error"
