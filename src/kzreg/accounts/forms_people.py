"""The `/account/` forms: the people login (any active user; the one-time code when the account has a
device), password reset by username or e-mail, the TOTP code check. Labels in the request's language."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from kzreg.accounts import throttle, two_factor
from kzreg.accounts.access import is_registry_staff
from kzreg.accounts.forms import ThrottledLoginForm
from kzreg.accounts.texts import text
from kzreg.accounts.texts_people import ptext

CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10})


class PeopleLoginForm(ThrottledLoginForm):
    """Every kind of person. An account with a confirmed device gives its code; registry staff without
    one, when codes are required, are kept out as on the back-office (`kzreg user totp` enrols them);
    registrar staff without one get in and must enrol first (`TwoFactorOwed`)."""

    otp_token = forms.CharField(required=False, max_length=10, strip=True, widget=CODE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = ptext("login.username")
        self.fields["password"].label = ptext("login.password")
        self.fields["otp_token"].label = text("token")
        self.fields["otp_token"].help_text = text("token_help")

    def get_invalid_login_error(self) -> ValidationError:
        if throttle.locked_out(self.request):
            return super().get_invalid_login_error()
        return ValidationError(text("invalid_login_people"), code="invalid_login")

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise self.get_invalid_login_error()
        device = two_factor.device_for(user)
        if device is None:
            if two_factor.required_for(user) and is_registry_staff(user):
                raise self.get_invalid_login_error()
            return
        if not two_factor.verify(device, self.cleaned_data.get("otp_token") or ""):
            raise self.get_invalid_login_error()
        user.otp_device = device  # django-otp keeps it in the session at login: the session is verified


class ResetRequestForm(forms.Form):
    login = forms.CharField(max_length=254, strip=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = ptext("reset.login")


class CodeForm(forms.Form):
    code = forms.CharField(max_length=10, strip=True, widget=CODE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = ptext("tfa.code")


class PeoplePasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, key in (("old_password", "password.old"), ("new_password1", "password.new1"),
                          ("new_password2", "password.new2")):  # fmt: skip
            self.fields[name].label = ptext(key)


class PeopleSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = ptext("password.new1")
        self.fields["new_password2"].label = ptext("password.new2")
