"""Login forms. Every kzreg login form subclasses `ThrottledLoginForm`, so each refusal is counted and a
paused login says so (`kzreg.accounts.throttle`); the back-office adds the staff rule and the TOTP code.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from kzreg.accounts import throttle, two_factor
from kzreg.accounts.access import is_registry_staff
from kzreg.accounts.texts import text


class ThrottledLoginForm(AuthenticationForm):
    """One message for every refusal (it never tells which part was wrong), the pause message when paused.

    A refusal after the password matched (`confirm_login_allowed` raised) is counted as a failure too;
    a wrong password is counted by django-axes through Django's `user_login_failed` signal.
    """

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if self.user_cache is not None:
                throttle.count_failure(self.request, self.user_cache.get_username())
                self.user_cache = None
            raise self.get_invalid_login_error() from None

    def get_invalid_login_error(self) -> ValidationError:
        if throttle.locked_out(self.request):
            return ValidationError(text("locked", minutes=throttle.minutes()), code="locked")
        return ValidationError(text("invalid_login"), code="invalid_login")


class StaffLoginForm(ThrottledLoginForm):
    """`/admin/login/`: registry staff only, with the one-time code when the account has (or needs) one."""

    required_css_class = "required"
    otp_token = forms.CharField(
        required=False, max_length=10, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].label = text("token")
        self.fields["otp_token"].help_text = text("token_help")

    def confirm_login_allowed(self, user) -> None:
        if not (user.is_active and is_registry_staff(user)):
            raise self.get_invalid_login_error()
        if not two_factor.code_needed(user):
            return
        device = two_factor.device_for(user)
        if device is None or not two_factor.verify(device, self.cleaned_data.get("otp_token") or ""):
            raise self.get_invalid_login_error()
        user.otp_device = device  # django-otp keeps it in the session at login: the session is verified
