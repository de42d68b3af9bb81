from django.apps import AppConfig


class RdapConfig(AppConfig):
    name = "kzreg.rdap"
    label = "rdap"

    def ready(self) -> None:
        from kzreg.rdap.stored import render_templates
        from kzreg.whois.answers import register_rdap_renderer

        register_rdap_renderer(render_templates)  # the answer store's RDAP column (whois does not import rdap)
