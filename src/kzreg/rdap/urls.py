"""RDAP paths (RFC 9082) under /rdap/; included from kzreg.config.urls."""

from django.urls import path, re_path

from kzreg.rdap import views

app_name = "rdap"

urlpatterns = [
    path("domain/<str:name>", views.domain, name="domain"),
    path("nameserver/<str:name>", views.nameserver, name="nameserver"),
    path("entity/<str:handle>", views.entity, name="entity"),
    path("domains", views.domain_search, name="domains"),
    path("nameservers", views.nameserver_search, name="nameservers"),
    path("entities", views.entity_search, name="entities"),
    path("help", views.help_page, name="help"),
    re_path(r"^(?P<rest>.*)$", views.other, name="other"),
]
