"""Django settings, read from the environment (see README: Configuration)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from kzreg.accounts import conf as _logins
from kzreg.config import deployment, secret_key, security

DATA_DIR = Path(os.environ.get("KZREG_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
DEBUG = os.environ.get("KZREG_DEBUG", "") == "1"
WEB_PORT = int(os.environ.get("KZREG_WEB_PORT") or 8000)
BIND = os.environ.get("KZREG_BIND") or "127.0.0.1"
DEMO = deployment.is_demo(os.environ, BIND)  # KZREG_DEBUG=1 or a loopback bind: see docs/deployment.md

# Deployment: the secret key, the public URL (the only source of published links), HTTPS. A bad or
# missing value stops every entry point (kzreg, manage, gunicorn workers) with one line, not a traceback.
try:
    SECRET_KEY = secret_key.load(os.environ, DATA_DIR, demo=DEMO, bind=BIND)
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("KZREG_SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
    PUBLIC_URL = deployment.public_url(os.environ, BIND, WEB_PORT)
    ALLOWED_HOSTS = deployment.allowed_hosts(os.environ, PUBLIC_URL, demo=DEMO, bind=BIND)
    _https = security.Https.from_env(os.environ, on=deployment.is_https(os.environ, PUBLIC_URL))
    CONTENT_SECURITY_POLICY = security.content_security_policy(os.environ)
    _csp_report_only = security.report_only(os.environ)
    _login_limits = (_logins.failure_limit(os.environ), _logins.cool_off(os.environ))
    KZREG_STAFF_2FA = _logins.staff_2fa(os.environ, demo=DEMO)  # kzreg.accounts.two_factor
except (secret_key.MissingSecretKey, deployment.BadSetting) as _refusal:
    print(f"kzreg: {_refusal}", file=sys.stderr)
    raise SystemExit(secret_key.EXIT_REFUSED) from None

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https.on
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = _https.redirect
SECURE_HSTS_SECONDS = _https.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https.hsts_subdomains
SECURE_HSTS_PRELOAD = _https.hsts_preload
# Only a proxy that sets X-Forwarded-Proto itself (and strips the client's) may say a request was HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https.trusted_proxy else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = security.REFERRER_POLICY
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [deployment.origin(PUBLIC_URL)]  # forms posted to the public URL, even behind a proxy
SILENCED_SYSTEM_CHECKS = list(_https.silenced)
if _csp_report_only:
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, {}

WHOIS_PORT = int(os.environ.get("KZREG_WHOIS_PORT") or 4343)
SMTP_PORT = int(os.environ.get("KZREG_SMTP_PORT") or 2525)
HOSTMASTER = os.environ.get("KZREG_HOSTMASTER") or "hostmaster@nic.kz"
SMTP_RELAY = os.environ.get("KZREG_SMTP_RELAY") or ""

# EPP for registrars (docs/epp.md). Without KZREG_EPP_CERT/KZREG_EPP_KEY, `kzreg up` makes a local CA and
# a certificate for localhost in DATA_DIR/epp; client certificates must chain to KZREG_EPP_CLIENT_CA (by
# default that local CA) and be pinned to their registrar (`kzreg registrar epp-access`).
EPP_PORT = int(os.environ.get("KZREG_EPP_PORT") or 7000)
EPP_BIND = os.environ.get("KZREG_EPP_BIND") or "127.0.0.1"
EPP_CERT = os.environ.get("KZREG_EPP_CERT") or ""
EPP_KEY = os.environ.get("KZREG_EPP_KEY") or ""
EPP_CLIENT_CA = os.environ.get("KZREG_EPP_CLIENT_CA") or ""
EPP_MAX_FRAME = int(os.environ.get("KZREG_EPP_MAX_FRAME") or 1 << 20)  # bytes
EPP_IDLE_TIMEOUT = float(os.environ.get("KZREG_EPP_IDLE_TIMEOUT") or 600)  # seconds without a command
EPP_WORKERS = int(os.environ.get("KZREG_EPP_WORKERS") or 1)  # processes sharing the port (SO_REUSEPORT)
EPP_LOGIN_FAILURES = int(os.environ.get("KZREG_EPP_LOGIN_FAILURES") or 10)  # per client address and window
EPP_LOGIN_WINDOW = int(os.environ.get("KZREG_EPP_LOGIN_WINDOW") or 300)  # seconds
EPP_PASSWORD_DAYS = int(os.environ.get("KZREG_EPP_PASSWORD_DAYS") or 0)  # 0: EPP passwords never expire


_suffix = os.environ.get("KZREG_TEST_DB_SUFFIX", "")


def database_from_url(url: str, data_dir: Path, suffix: str = _suffix) -> dict:
    """One `KZREG_DATABASE_URL` → Django's DATABASES entry; empty means SQLite in the data folder."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "kzreg.sqlite3"),
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;"
                ),
            },
            # Keep connections: opening one (and its PRAGMAs) costs more than a whole small request.
            "CONN_MAX_AGE": None,
            # KZREG_TEST_DB_SUFFIX keeps parallel test runs sharing one data folder apart, as on PostgreSQL.
            "TEST": {"NAME": str(data_dir / "-".join(filter(None, ["test-kzreg", suffix]))) + ".sqlite3"},
        }
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"KZREG_DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgresql://)")
    return {
        "ENGINE": "kzreg.registry.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "kzreg",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        # The registry operations' own statements (`kzreg.registry.rows`, server-side binding) are prepared
        # after a few uses, so PostgreSQL stops parsing and planning them anew; the ORM's cursors bind on
        # the client and are unaffected. (Behind a transaction-pooling proxy, set this to None.)
        "OPTIONS": {"prepare_threshold": 2},
        # KZREG_TEST_DB_SUFFIX keeps parallel test runs on one server apart.
        "TEST": {"NAME": "_".join(filter(None, ["test_kzreg", unquote(parts.path.lstrip("/")), suffix]))},
    }


DATABASES = {"default": database_from_url(os.environ.get("KZREG_DATABASE_URL", ""), DATA_DIR)}

INSTALLED_APPS = [
    "kzreg.accounts.apps.RegistryAdminConfig",  # django.contrib.admin with the registry-staff-only site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # login throttling (kzreg.accounts.throttle)
    "django_otp",
    "django_otp.plugins.otp_totp",  # staff TOTP codes (kzreg.accounts.two_factor)
    "kzreg.registry",
    "kzreg.accounts",
    "kzreg.resellers",
    "kzreg.registrar",
    "kzreg.notify",
    "kzreg.template_mail",
    "kzreg.whois",
    "kzreg.rdap",
    "kzreg.zone",
    "kzreg.billing",
    "kzreg.epp",
    "kzreg.api",
    "kzreg.cabinet",
    "ninja",  # django-ninja: the Swagger UI files and page behind /api/docs (kzreg.api)
]

MIDDLEWARE = [
    "kzreg.api.fastpath.ApiFastPath",  # /api/v1/ (bearer tokens, no cookies) skips the rest: docs/api.md
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files for the admin and pages, no extra server
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session gave its TOTP code
    "kzreg.accounts.middleware.TwoFactorOwed",  # staff without their second factor enrol first (/account/)
    "kzreg.accounts.throttle.AttemptClock",  # login attempts timed by kzreg.core.clock
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (kzreg.config.security)
    "axes.middleware.AxesMiddleware",  # last: a paused login's page answers 429 (kzreg.accounts.throttle)
]

# Staff logins (docs/accounts.md): failures pause an account and an address (django-axes); registry
# staff give a TOTP code (django-otp). A login needs the request: tests use force_login, not login().
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME = _login_limits  # KZREG_LOGIN_FAILURES, KZREG_LOGIN_COOLOFF_MINUTES
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: an account from anywhere, an address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries while paused are refused, not counted
AXES_LOCKOUT_CALLABLE = "kzreg.accounts.throttle.lockout_response"
# The client as every per-address web limit sees it: X-Forwarded-For only from KZREG_WHOIS_TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "kzreg.whois.pagelimit.client_address"
# People (docs/accounts.md): Argon2 first (older hashes are upgraded at the next login); /account/ pages.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/account/login/"
OTP_TOTP_ISSUER = os.environ.get("KZREG_TOTP_ISSUER") or "kzreg"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key

ROOT_URLCONF = "kzreg.config.urls"
WSGI_APPLICATION = "kzreg.config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kzreg.cabinet.context.frame",  # the page frame: sponsoring registrar, rights links, languages
            ]
        },
    }
]

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = str(DATA_DIR / "static")  # filled by collectstatic in `kzreg up`
(DATA_DIR / "static").mkdir(exist_ok=True)
# Front-end assets (docs/cabinet.md): npm packages that `make` installs from package-lock.json into the
# checkout's node_modules, served under /static/vendor/ by whitenoise (collected by `kzreg up`).
NODE_MODULES = Path(os.environ.get("KZREG_NODE_MODULES") or Path(__file__).resolve().parents[3] / "node_modules")
STATICFILES_DIRS = [
    (prefix, str(NODE_MODULES / folder))
    for prefix, folder in [("vendor/htmx", "htmx.org/dist")]
    if (NODE_MODULES / folder).is_dir()
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Registry policy that is configuration rather than code (zones themselves are rows: see Zone).
KZREG: dict[str, Any] = {
    # Which operation guards run before every registry operation (billing, tenant access, compliance).
    "OPERATION_GUARDS": ["kzreg.billing.guard.RegistryFees", "kzreg.billing.direct.DirectRegistrantInvoices"],
    # Billing (docs/billing.md): the registry fee per year (SPEC B1) when no price-list row is in force;
    # days after a create or renew within which a delete refunds its fee; minutes a fee quote stays valid.
    "REGISTRY_FEE": {"amount": os.environ.get("KZREG_REGISTRY_FEE", "30.00"), "currency": "USD"},
    "FEE_GRACE_DAYS": int(os.environ.get("KZREG_FEE_GRACE_DAYS") or 5),
    "QUOTE_MINUTES": 15,
    # WHOIS/RDAP: hide individuals' personal data unless they consented to publication (SPEC R18).
    "REDACT_INDIVIDUALS": os.environ.get("KZREG_REDACT_INDIVIDUALS", "1") != "0",
}

# The registrar wing (docs/registrar.md): which registrar it acts as, how it reaches the registry
# (`local`: this process's registry; `epp`: any EPP registry), renewals, settling (prices: billing's lists).
KZREG_REGISTRAR: dict[str, Any] = {
    "HANDLE": os.environ.get("KZREG_REGISTRAR_HANDLE") or "PS-KZ",
    "CONNECTION": os.environ.get("KZREG_REGISTRY_CONNECTION") or "local",
    "EPP": {
        "HOST": os.environ.get("KZREG_REGISTRY_EPP_HOST") or "127.0.0.1",
        "PORT": int(os.environ.get("KZREG_REGISTRY_EPP_PORT") or 700),
        "CLID": os.environ.get("KZREG_REGISTRY_EPP_CLID") or "",
        "PASSWORD": os.environ.get("KZREG_REGISTRY_EPP_PASSWORD") or "",
        "CERT": os.environ.get("KZREG_REGISTRY_EPP_CERT") or "",
        "KEY": os.environ.get("KZREG_REGISTRY_EPP_KEY") or "",
        "CA": os.environ.get("KZREG_REGISTRY_EPP_CA") or "",
        "TIMEOUT": float(os.environ.get("KZREG_REGISTRY_EPP_TIMEOUT") or 30),
        # After a create, read the domain back with <domain:info> for the statuses the registry set (on),
        # or take them from the create's answer as RFC 5731 allows (off: one command per new domain).
        "CREATE_READ_BACK": (os.environ.get("KZREG_REGISTRY_EPP_CREATE_READ_BACK") or "on").lower()
        not in ("off", "0", "no", "false"),
    },
    "RENEW_DAYS_BEFORE": int(os.environ.get("KZREG_AUTO_RENEW_DAYS") or 30),
    # What a registrant may do to its own domains besides viewing them (accounts.roles.DomainAction; empty: view only).
    "REGISTRANT_ACTIONS": os.environ.get("KZREG_REGISTRANT_ACTIONS", "renew,nameservers,auth_code"),
    "SETTLE_AFTER_MINUTES": 10,  # a `submitted` order this old lost its process: the worker settles it
    # Expiry reminders to registrants (and a digest to their reseller), days before expiry.
    "REMINDER_DAYS": [int(d) for d in (os.environ.get("KZREG_REMINDER_DAYS") or "30,7,1").split(",")],
    # Webhooks: attempts before giving up (backoff doubles from a minute), the POST's timeout, and whether
    # a URL may lead to loopback (tests only: private, link-local and loopback addresses are refused).
    "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("KZREG_WEBHOOK_MAX_ATTEMPTS") or 8),
    "WEBHOOK_TIMEOUT": float(os.environ.get("KZREG_WEBHOOK_TIMEOUT") or 10),
    "WEBHOOK_ALLOW_LOOPBACK": False,
    # Sender of the registrar's own mails to its registrants (a reseller's registrants hear from the reseller).
    "MAIL_FROM": os.environ.get("KZREG_REGISTRAR_MAIL_FROM") or "",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "kzreg.config.logs.CurrentStderrHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KZREG_LOG_LEVEL", "INFO")},
    # axes' own lines hide the account and address; kzreg.accounts.login writes one line per failure and pause.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "ERROR"}},
}

# The reseller API (docs/api.md): calls per token per minute (0: no limit); bulk requests' size, and up to
# how many names a bulk job runs in the request instead of in the worker.
KZREG_API: dict[str, Any] = {
    "RATE_PER_MINUTE": int(os.environ.get("KZREG_API_RATE_PER_MINUTE") or 600),
    "BULK_MAX_NAMES": int(os.environ.get("KZREG_API_BULK_MAX_NAMES") or 5000),
    "BULK_IN_REQUEST": int(os.environ.get("KZREG_API_BULK_IN_REQUEST") or 20),
    # /api/v1/ past the site's middleware (kzreg.api.fastpath); 0 sends it through the whole stack.
    "FAST_PATH": os.environ.get("KZREG_API_FAST_PATH", "1") != "0",
}
