from django.urls import path

from kzreg.template_mail import views

app_name = "template_mail"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("authorizations/", views.record_authorization, name="authorizations"),
    path("<str:tracking>/", views.request_detail, name="request"),
]
