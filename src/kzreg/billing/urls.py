"""Mounted at `/billing/` by `kzreg.config.urls`: the online payment providers' callbacks."""

from django.urls import path

from kzreg.billing.providers import views

app_name = "billing"

urlpatterns = [
    path("providers/<str:name>/callback", views.callback, name="provider-callback"),
]
