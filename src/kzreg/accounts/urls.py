"""`/account/`: the people's login, password, second factor and sessions (docs/accounts.md)."""

from django.urls import path

from kzreg.accounts import pages, pages_security

app_name = "accounts"
urlpatterns = [
    path("", pages.home_page, name="home"),
    path("login/", pages.login_page, name="login"),
    path("logout/", pages.logout_page, name="logout"),
    path("password/", pages.password_change_page, name="password_change"),
    path("password-reset/", pages.password_reset_page, name="password_reset"),
    path("password-reset/<str:uidb64>/<str:token>/", pages.password_reset_confirm_page, name="password_reset_confirm"),
    path("two-factor/", pages_security.two_factor_page, name="two_factor"),
    path("two-factor/remove/", pages_security.two_factor_remove, name="two_factor_remove"),
    path("sessions/", pages_security.sessions_page, name="sessions"),
    path("sessions/<int:session_id>/end/", pages_security.session_end, name="session_end"),
]
