from django.urls import re_path

from aduan.open311 import views

app_name = "open311"

_FMT = r"\.(?P<fmt>[a-z]+)$"

urlpatterns = [
    re_path(r"^discovery" + _FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + _FMT, views.service_list, name="services"),
    re_path(
        r"^v2/services/(?P<code>[a-z0-9_.]+?)" + _FMT, views.service_definition, name="service"
    ),
    re_path(r"^v2/requests" + _FMT, views.requests, name="requests"),
    re_path(
        r"^v2/requests/(?P<service_request_id>[^/]+?)" + _FMT, views.request_detail, name="request"
    ),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + _FMT, views.token_detail, name="token"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
