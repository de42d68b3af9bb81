from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kzreg.accounts"
    label = "accounts"
    verbose_name = "Accounts"
