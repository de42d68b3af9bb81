from django.apps import AppConfig


class TemplateMailConfig(AppConfig):
    name = "kzreg.template_mail"
    label = "template_mail"
