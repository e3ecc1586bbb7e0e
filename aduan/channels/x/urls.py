from django.urls import URLPattern

app_name = "x"

urlpatterns: list[URLPattern] = []
