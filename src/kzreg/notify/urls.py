"""Mounted at `/staff/outbox/` by `kzreg.config.urls`."""

from django.urls import path

from kzreg.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.outbox_list, name="list"),
    path("<int:pk>/", views.outbox_detail, name="detail"),
    path("<int:pk>/eml", views.outbox_eml, name="eml"),
]
