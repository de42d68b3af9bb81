"""The public site at `/` and the cabinet under `/cabinet/` (docs/cabinet.md: how to add a page)."""

from django.urls import include, path

from kzreg.cabinet import public

app_name = "cabinet"
urlpatterns = [
    path("", public.home, name="home"),
    path("regulation/", public.regulation_page, name="regulation"),
    path("rights/", public.rights_page, name="rights"),
    path("resellers/", public.resellers_page, name="resellers"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the choice kept in a cookie
]
