from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "kzreg.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default = True

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from kzreg.accounts import checks, problems, sessions, throttle  # noqa: F401  (problems: its codes)

        user_login_failed.connect(throttle.log_failure, dispatch_uid="kzreg.accounts.log_failure")
        user_locked_out.connect(throttle.log_lockout, dispatch_uid="kzreg.accounts.log_lockout")
        user_logged_in.connect(sessions.record_login, dispatch_uid="kzreg.accounts.record_login")
        user_logged_out.connect(sessions.record_logout, dispatch_uid="kzreg.accounts.record_logout")
        checks.register()


class RegistryAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin` with kzreg's site: registry staff only, throttled login, TOTP codes."""

    default = False
    default_site = "kzreg.accounts.admin_site.RegistryAdminSite"
