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
    "sandbox.tsa",
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
        "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
SANDBOX_SEEDERS: list[str] = []
