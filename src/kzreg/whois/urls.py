from django.urls import path

from kzreg.whois.views import lookup_page

app_name = "whois"
urlpatterns = [path("", lookup_page, name="lookup")]
