"""Settings of the sandbox service (its own database, its own port; never the product's)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SANDBOX_VAR_DIR", BASE_DIR / "var" / "sandbox"))

# A stand-in of other parties' systems on 127.0.0.1: its key protects nothing of value.
SECRET_KEY = os.environ.get("SANDBOX_SECRET_KEY", "sandbox-of-national-systems-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PUBLIC_URL = os.environ.get("SANDBOX_PUBLIC_URL", "http://127.0.0.1:8001")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "sandbox.common",
    "sandbox.faults",
    "sandbox.people",
    "oauth2_provider",
    "sandbox.idp",
    "sandbox.portal",
    "sandbox.payments",
    "sandbox.gateways",
    "sandbox.tsa",
    "sandbox.datastore",
]

MIDDLEWARE = [
    "sandbox.faults.middleware.inject_faults",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

# Its own cookie names: on 127.0.0.1 the product and the sandbox share one cookie jar (cookies
# are per host, not per port), so Django's default "sessionid"/"csrftoken" would overwrite the
# product's in the browser that signs in at VNeID or pays (losing the sign-in's state).
SESSION_COOKIE_NAME = "sandbox_sessionid"
CSRF_COOKIE_NAME = "sandbox_csrftoken"

ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"
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
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SANDBOX_DB", str(VAR_DIR / "sandbox.sqlite3")),
        # Several gunicorn workers write one file: wait for the lock instead of failing.
        # IMMEDIATE: a transaction that reads then writes (the portal receiver) takes the write
        # lock at BEGIN and waits for it, instead of failing at once with "database is locked".
        "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;",
                    "transaction_mode": "IMMEDIATE"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The national data store takes documents base64 in JSON (sandbox/datastore): up to 32 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANDBOX_LOG_LEVEL", "WARNING")},
}

# The time-stamping service's key and certificate (sandbox/tsa): the product's development CA
# writes them (`manage.py create_dev_ca`) to its SIGNING_PKI_DIR, read here.
TSA_DIR = Path(os.environ.get(
    "SIGNING_PKI_DIR", Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var")) / "pki"))

# Seeding functions of the national systems' apps, run by `seed_sandbox` (see its docstring).
SANDBOX_SEEDERS: list[str] = [
    "sandbox.people.generate.seed",
    "sandbox.idp.generate.seed",
]

# The demo province whose communes the generated people live in (GSO code; Ninh Bình).
SANDBOX_PROVINCE_CODE = int(os.environ.get("SANDBOX_PROVINCE_CODE", "37"))
# Client credentials of the lookup APIs (HTTP Basic): client id -> secret. The product's
# adapters use "motcua" (settings NATIONAL_CLIENT_ID / NATIONAL_CLIENT_SECRET).
SANDBOX_CLIENTS = {"motcua": os.environ.get("SANDBOX_CLIENT_SECRET", "motcua-sandbox-secret")}

# VNeID's OpenID Connect provider (sandbox/idp, django-oauth-toolkit). Its RSA key is generated
# by the idp seeder into the var folder; a server started before seeding has none (OIDC off).
OIDC_KEY_FILE = VAR_DIR / "oidc-rsa.pem"
AUTHENTICATION_BACKENDS = ["sandbox.idp.backends.CitizenBackend"]
LOGIN_URL = "/idp/login/"
SANDBOX_CITIZEN_PASSWORD = os.environ.get("SANDBOX_CITIZEN_PASSWORD", "Motcua@2026")
SANDBOX_RP_CLIENT_ID = os.environ.get("VNEID_CLIENT_ID", "motcua")
SANDBOX_RP_CLIENT_SECRET = os.environ.get("VNEID_CLIENT_SECRET", "motcua-vneid-sandbox-secret")
SANDBOX_RP_REDIRECT_URIS = [
    "http://127.0.0.1/oidc/callback/",  # any port on the loopback address (RFC 8252)
    *os.environ.get("SANDBOX_RP_REDIRECT_URIS", "").split(),
]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_KEY_FILE.read_text() if OIDC_KEY_FILE.exists() else "",
    "OAUTH2_VALIDATOR_CLASS": "sandbox.idp.claims.VNeIDValidator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Họ tên",
               "vneid": "Thông tin định danh điện tử"},
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
}

# The payment platform's partners and their shared secrets (the product's PAYMENT_SECRET).
PAYMENT_PARTNERS = {
    os.environ.get("SANDBOX_PAYMENT_PARTNER", "MOTCUA"):
        os.environ.get("SANDBOX_PAYMENT_SECRET", "sandbox-payment-secret-not-a-secret"),
}
