"""One environment-driven settings module. Every knob a deployment may turn is an env variable."""

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# Signs sessions, CSRF tokens and password-reset links: a known key lets anyone forge them, so
# without DEBUG there is no default. `make run` (scripts/secret_key.sh) keeps one in var/.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set the SECRET_KEY environment variable to a long random "
            "value (or DEBUG=1 for development only)."
        )
    SECRET_KEY = "dev-only-insecure-key"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "oauth2_provider",
    "motcua.core",
    "motcua.org",
    "motcua.catalog",
    "motcua.workcalendar",
    "motcua.dossiers",
    "motcua.processing",
    "motcua.notifications",
    "motcua.petitions",
    "motcua.records",
    "motcua.integration",
    "motcua.web",
    "motcua.reporting",
    "motcua.portal",
    "motcua.workspace",
    "motcua.sharing",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "motcua.core.middleware.SecurityHeaders",
    "motcua.core.request_cache.RequestCache",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "motcua.core.middleware.RefuseNulInAddress",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # sign-in with the national e-ID (motcua/integration/vneid.py)
    "motcua.integration.vneid.VNeIDBackend",
]
# Government systems: at least 10 characters, not common, not all digits, not like the username.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout (motcua/org/lockout.py): counted per account AND address together, so that
# nobody elsewhere can lock an officer out of their own address (by account alone, five wrong
# passwords from anywhere locked anyone out), and officers sharing a service center's address
# do not lock each other out (by address alone they would). After AXES_FAILURE_LIMIT failures
# the address waits LOCKOUT_BASE_MINUTES for that account, twice as long after each further
# failure, at most LOCKOUT_MAX_HOURS; attempts while waiting are refused and not counted. No
# ceiling per account across addresses: it would let whoever has enough addresses lock the real
# user out again. Guessing from many addresses meets the password rules below, each address's
# growing wait, and a log line per lockout (logger motcua.security). Failures are forgotten at
# the next success from that address, or after twice the longest wait without one (that is
# AXES_COOLOFF_TIME here). Administrators unlock from the admin (users: "Unlock sign-in").
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOCKOUT_BASE_MINUTES = float(os.environ.get("LOCKOUT_BASE_MINUTES", "5"))
LOCKOUT_MAX_HOURS = float(os.environ.get("LOCKOUT_MAX_HOURS", "24"))
AXES_COOLOFF_TIME = dt.timedelta(hours=2 * LOCKOUT_MAX_HOURS)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_HANDLER = "motcua.org.lockout.LockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The site's sign-in page answers a lockout in its layout; the API and the admin as before.
AXES_LOCKOUT_CALLABLE = "motcua.web.lockout.lockout_response"
# The client's address as the public-lookup limit sees it (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "motcua.core.ratelimit.client_address"

# The web pages' sign-in (motcua/web): a page that needs an account sends there, and back.
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "portal:home"
# Where staff land after signing in without a page to go back to (the web app names it, it
# cannot import the workspace above it).
STAFF_START_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "portal:home"
# The province named in the web pages' header ("Cổng Dịch vụ công tỉnh …").
PORTAL_PROVINCE = os.environ.get("PORTAL_PROVINCE", "Ninh Bình")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "motcua" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Files on S3-compatible object storage instead of the local disk (django-storages): set the
# bucket, and for a store other than AWS its endpoint (MinIO, Ceph, a provider's own).
# Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment.
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": None,  # private: files are served only through the policy
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# A stored file that no row names (records.files: a blob, or a file uploaded to a dossier,
# written before its transaction, which then rolled back) is deleted by housekeeping once it is
# this old.
RECORDS_ORPHAN_GRACE_HOURS = float(os.environ.get("RECORDS_ORPHAN_GRACE_HOURS", "24"))

# Uploads: the size limit is checked by the dossiers app per file; this caps the request.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The content of an upload is read before it is stored (motcua/dossiers/uploads.py). An image
# may have at most MAX_UPLOAD_PIXELS pixels (50 million: an A4 page scanned at 600 dpi is 35
# million, a phone photo 12 to 48 million; Pillow's own limit of about 179 million stays on
# above it). A DOCX or XLSX (a ZIP package) may unpack to at most MAX_UPLOAD_UNZIPPED_BYTES in
# all and to at most MAX_UPLOAD_ZIP_RATIO times its own size (documents compress 3 to 20
# times, compression bombs a thousand), and hold at most MAX_UPLOAD_ZIP_ENTRIES parts.
MAX_UPLOAD_PIXELS = int(os.environ.get("MAX_UPLOAD_PIXELS", "50000000"))
# A PDF may be built of at most MAX_UPLOAD_PDF_OBJECTS objects: its search for scripts and
# attachments reads each one (about 1 s of CPU per 300,000). A scanned or printed document has
# a few per page; a long tagged PDF (an object per paragraph) some tens of thousands.
MAX_UPLOAD_PDF_OBJECTS = int(os.environ.get("MAX_UPLOAD_PDF_OBJECTS", "200000"))
MAX_UPLOAD_UNZIPPED_BYTES = int(os.environ.get("MAX_UPLOAD_UNZIPPED_BYTES",
                                               str(100 * 1024 * 1024)))
MAX_UPLOAD_ZIP_RATIO = int(os.environ.get("MAX_UPLOAD_ZIP_RATIO", "100"))
MAX_UPLOAD_ZIP_ENTRIES = int(os.environ.get("MAX_UPLOAD_ZIP_ENTRIES", "1000"))

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts, frames and
# form targets from this site only, no inline script or style anywhere (templates link static
# files), images also as data: URLs, no plugins, and no page may be framed. The API docs page
# alone (motcua/urls.py) also allows inline styles, which Swagger UI sets as it renders; its
# scripts are files there too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page of Motcua uses, denied to every page (and to anything injected).
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")

# API lists: a larger `limit` is served as API_MAX_PAGE_SIZE; `offset` (and `limit`) above
# API_MAX_OFFSET is refused with 400 (motcua/core/pagination.py).
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "200"))
API_MAX_OFFSET = int(os.environ.get("API_MAX_OFFSET", "100000000"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "motcua.core.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.org.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "motcua.core.errors.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "motcua.core.pagination.BoundedLimitOffsetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "motcua.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "motcua.core.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Motcua API",
    "DESCRIPTION": "One-stop administrative procedures: catalogue, dossiers, legal clock.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # the data-sharing API's tokens (motcua/sharing): OAuth 2.0 client credentials
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/api/v1/sharing/token",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "motcua.org.models.Agency.Kind",
        "UserKindEnum": "motcua.org.models.User.Kind",
        "UnitLevelEnum": "motcua.org.models.AdministrativeUnit.Level",
        "ProcedureLevelEnum": "motcua.catalog.models.Level",
        "IndexTimeTypeEnum": "motcua.reporting.periods.TIME_TYPES",
        "IndexGroupEnum": "motcua.reporting.serializers.GROUP_CODES",
        "IndexStatusEnum": "motcua.reporting.indicators.STATUSES",
        "IndexClassificationEnum": "motcua.reporting.serializers.CLASSES",
        "IndexIfNoneEnum": "motcua.reporting.serializers.IF_NONE",
        "IndexUnitKindEnum": "motcua.reporting.selectors.SCOPE_KINDS",
        "IndexRankedUnitTypeEnum": "motcua.reporting.serializers.UNIT_TYPES",
        "ApplicantKindEnum": "motcua.dossiers.models.ApplicantKind",
        "ResultKindEnum": "motcua.records.models.ResultKind",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# One cache shared by every process: Redis when REDIS_URL is set (redis://host:6379/0),
# otherwise the database (table motcua_cache, made by core's migrations like any other table).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "motcua_cache"}
    )
}

# Mail to applicants. The default writes each message to a file under var/mail (demo, dev);
# production sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST etc.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Motcua <no-reply@motcua.local>")

# Delivery of messages to persons (notifications.delivery, `manage.py deliver --loop 1`): a row
# that failed is retried after DELIVERY_BACKOFF_SECONDS, then twice that, … up to
# DELIVERY_MAX_ATTEMPTS attempts in all, then marked failed (the admin's "retry now"). A claimed
# row whose worker died is taken up again when its lease of DELIVERY_LEASE_SECONDS runs out: keep
# it above twice the slowest send (EMAIL_TIMEOUT): a send starts only while half the lease remains.
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "8"))
DELIVERY_BACKOFF_SECONDS = float(os.environ.get("DELIVERY_BACKOFF_SECONDS", "60"))
DELIVERY_LEASE_SECONDS = float(os.environ.get("DELIVERY_LEASE_SECONDS", "120"))
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))

# Public base URL, used for QR codes on slips (the tracking address).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# National systems (motcua/integration): every adapter talks to the sandbox of national systems
# (sandbox/, started by `make run`) unless its own setting names a real endpoint.
NATIONAL_SANDBOX_URL = os.environ.get("NATIONAL_SANDBOX_URL", "http://127.0.0.1:8001")
# How long a person waits for a national system (a lookup at the counter, a prefill) before the
# page says it is not answering and offers manual entry.
NATIONAL_WAIT_SECONDS = float(os.environ.get("NATIONAL_WAIT_SECONDS", "5"))
# The lookups of personal data (integration/population.py, registries.py): one adapter class per
# system (the sandbox's over HTTP by default), its base address (empty: the sandbox's) and the
# data-sharing platform's client credential (HTTP Basic) the calls carry.
NATIONAL_ADAPTERS = {
    "population": os.environ.get("POPULATION_ADAPTER",
                                 "motcua.integration.population.HttpPopulationDatabase"),
    "business": os.environ.get("BUSINESS_REGISTRY_ADAPTER",
                               "motcua.integration.registries.HttpBusinessRegistry"),
    "civil_status": os.environ.get("CIVIL_STATUS_ADAPTER",
                                   "motcua.integration.registries.HttpCivilStatusRegistry"),
    "judicial": os.environ.get("JUDICIAL_RECORDS_ADAPTER",
                               "motcua.integration.registries.HttpJudicialRecords"),
}
NATIONAL_URLS = {
    "population": os.environ.get("POPULATION_URL", ""),
    "business": os.environ.get("BUSINESS_REGISTRY_URL", ""),
    "civil_status": os.environ.get("CIVIL_STATUS_URL", ""),
    "judicial": os.environ.get("JUDICIAL_RECORDS_URL", ""),
}
# Sign-in with VNeID (OpenID Connect; motcua/integration/vneid.py). VNEID_URL empty: the
# sandbox's provider (NATIONAL_SANDBOX_URL + /idp).
VNEID_URL = os.environ.get("VNEID_URL", "")
OIDC_RP_CLIENT_ID = os.environ.get("VNEID_CLIENT_ID", "motcua")
OIDC_RP_CLIENT_SECRET = os.environ.get("VNEID_CLIENT_SECRET", "motcua-vneid-sandbox-secret")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid profile vneid"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = NATIONAL_WAIT_SECONDS
OIDC_AUTHENTICATION_CALLBACK_URL = "vneid-callback"
LOGIN_REDIRECT_URL_FAILURE = "/dang-nhap/?vneid=failed"
# The data-sharing API for other agencies' systems (motcua/sharing, the LGSP role): each
# consumer system (integration.ConsumerSystem, admin: National systems › Consumer systems) gets
# its own OAuth 2.0 client and asks for an access token with the client credentials grant at
# /api/v1/sharing/token (django-oauth-toolkit). Its secret is stored as a password hash, its
# tokens as SHA-256 checksums only (RFC 9700 token storage); a token lives
# SHARING_TOKEN_SECONDS. The token endpoint answers SHARING_TOKEN_REQUESTS_PER_MINUTE requests
# a minute per client address (each wrong secret costs a password hash; 0: no limit); the API
# itself answers each consumer its own calls per minute.
SHARING_TOKEN_SECONDS = int(os.environ.get("SHARING_TOKEN_SECONDS", "3600"))
SHARING_TOKEN_REQUESTS_PER_MINUTE = int(os.environ.get("SHARING_TOKEN_REQUESTS_PER_MINUTE",
                                                       "30"))
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # the default, named for
# the migration of integration.ConsumerSystem, which refers to it
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "motcua.integration.consumers.ConsumerScopes",
    "OAUTH2_VALIDATOR_CLASS": "motcua.integration.consumers.ConsumerValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": SHARING_TOKEN_SECONDS,
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["client_credentials"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": [],
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
}
NATIONAL_CLIENT_ID = os.environ.get("NATIONAL_CLIENT_ID", "motcua")
NATIONAL_CLIENT_SECRET = os.environ.get("NATIONAL_CLIENT_SECRET", "motcua-sandbox-secret")

# The outbox of messages to national systems (integration.outbox, `manage.py deliver_outbox
# --loop`): a message that failed waits OUTBOX_BACKOFF_SECONDS, then twice that, … at most
# OUTBOX_MAX_BACKOFF_SECONDS, and is a dead letter after OUTBOX_MAX_ATTEMPTS attempts (the
# admin's "retry"; about 6 hours with the defaults: a portal down for an afternoon loses
# nothing). A worker sends OUTBOX_BATCH messages per request; a claim held by a worker that
# died is taken up by another after OUTBOX_LEASE_SECONDS (above twice the slowest request:
# NATIONAL_SEND_SECONDS). Delivered messages are deleted after OUTBOX_KEEP_DAYS.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "40"))
OUTBOX_BACKOFF_SECONDS = float(os.environ.get("OUTBOX_BACKOFF_SECONDS", "2"))
OUTBOX_MAX_BACKOFF_SECONDS = float(os.environ.get("OUTBOX_MAX_BACKOFF_SECONDS", "600"))
OUTBOX_LEASE_SECONDS = float(os.environ.get("OUTBOX_LEASE_SECONDS", "60"))
OUTBOX_BATCH = int(os.environ.get("OUTBOX_BATCH", "200"))
OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "7"))
NATIONAL_SEND_SECONDS = float(os.environ.get("NATIONAL_SEND_SECONDS", "20"))
# The National Public Service Portal: the adapter (a class with `send(messages)`) and its
# address (default: the sandbox's /portal).
PORTAL_SYNC_ADAPTER = os.environ.get(
    "PORTAL_SYNC_ADAPTER", "motcua.integration.portal_sync.HttpPortal")
PORTAL_URL = os.environ.get("PORTAL_URL", "")
# The national personal data store, which gets every signed result (integration.national_store,
# through the outbox): the adapter, its address (default: the sandbox's /datastore) and the
# most a request carries (the documents go base64 in JSON; a batch is cut into requests).
DATASTORE_ADAPTER = os.environ.get(
    "DATASTORE_ADAPTER", "motcua.integration.national_store.HttpDataStore")
DATASTORE_URL = os.environ.get("DATASTORE_URL", "")
DATASTORE_REQUEST_BYTES = int(os.environ.get("DATASTORE_REQUEST_BYTES", str(8 * 1024 * 1024)))

# Online payment through the national payment platform (integration.payments): the adapter,
# the platform's address (empty: the sandbox's /payments), this partner's code and the shared
# secret of the SHA-256 message authentication (set a real one in production), and how old a
# confirm callback may be before it is refused as stale.
PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY",
                                 "motcua.integration.payments_http.PayGovGateway")
PAYMENT_URL = os.environ.get("PAYMENT_URL", "")
PAYMENT_PARTNER_CODE = os.environ.get("PAYMENT_PARTNER_CODE", "MOTCUA")
PAYMENT_SECRET = os.environ.get("PAYMENT_SECRET", "sandbox-payment-secret-not-a-secret")
PAYMENT_CALLBACK_MAX_AGE_SECONDS = float(os.environ.get("PAYMENT_CALLBACK_MAX_AGE_SECONDS",
                                                        "3600"))
# A payment still pending this long after it started (its callback never came, or was lost) is
# asked about with the platform's status query (`manage.py query_payments --loop`, started by
# `make run`), then again every as long, until PAYMENT_QUERY_MAX_HOURS after it started.
PAYMENT_QUERY_AFTER_SECONDS = float(os.environ.get("PAYMENT_QUERY_AFTER_SECONDS", "300"))
PAYMENT_QUERY_MAX_HOURS = float(os.environ.get("PAYMENT_QUERY_MAX_HOURS", "24"))
# SMS and citizen-app messages (integration.gateways, registered into notifications): the
# gateways' addresses (empty: the sandbox's /gateways/sms and /gateways/app), the notices also
# sent by SMS to the applicant's phone (comma-separated kinds of notifications.messages, and
# "result_signed" of records.result_notices, not sent by SMS by default since the "result_ready"
# text goes just before; empty: no SMS), and whether online applicants get every notice in the
# citizen app too.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
APP_GATEWAY_URL = os.environ.get("APP_GATEWAY_URL", "")
NOTIFICATION_SMS_KINDS = tuple(k for k in os.environ.get(
    "NOTIFICATION_SMS_KINDS", "received,supplement,result_ready,apology,refused").split(",")
    if k.strip())
NOTIFICATION_APP = os.environ.get("NOTIFICATION_APP", "1") not in ("0", "false", "")

# Signed electronic results (motcua/records): the development CA and the agencies' keys live
# under SIGNING_PKI_DIR (`manage.py create_dev_ca`); with SIGNING_KEY_STORE=pkcs11 the agencies'
# keys are made and kept on the PKCS#11 token SIGNING_PKCS11_TOKEN of SIGNING_PKCS11_MODULE
# (SoftHSM2 in development), opened with SIGNING_PKCS11_PIN. Time stamps (RFC 3161) come from
# TSA_URL, by default the sandbox's time-stamping service.
SIGNING_PKI_DIR = Path(os.environ.get("SIGNING_PKI_DIR", VAR_DIR / "pki"))
SIGNING_KEY_STORE = os.environ.get("SIGNING_KEY_STORE", "file")
SIGNING_PKCS11_MODULE = os.environ.get("SIGNING_PKCS11_MODULE",
                                       "/usr/lib/softhsm/libsofthsm2.so")
SIGNING_PKCS11_TOKEN = os.environ.get("SIGNING_PKCS11_TOKEN", "motcua")
SIGNING_PKCS11_PIN = os.environ.get("SIGNING_PKCS11_PIN", "")
TSA_URL = os.environ.get("TSA_URL", "")
TSA_TIMEOUT_SECONDS = float(os.environ.get("TSA_TIMEOUT_SECONDS", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Working time (DOMAIN.md section 4), configurable per deployment.
WORKING_PERIODS = os.environ.get("WORKING_PERIODS", "07:00-11:30,13:30-17:00")
WORKING_WEEKDAYS = [int(d) for d in os.environ.get("WORKING_WEEKDAYS", "0,1,2,3,4").split(",")]
# "day": early = finished on a working day before the due day; "exact": compare instants only.
TIMELINESS_GRANULARITY = os.environ.get("TIMELINESS_GRANULARITY", "day")
CALENDAR_RECHECK_SECONDS = float(os.environ.get("CALENDAR_RECHECK_SECONDS", "30"))

# The Decision 766 index (motcua/reporting, DOMAIN.md §5). Its rows marked (?) are
# configurable: INDEX_UNCONFIRMED_RULES is a JSON object from an indicator's code (3.1, 3.2,
# 3.3, 4.4, 4.6) to its {"max_score": …, "full_at": …} (full_at: the cap, full marks at that
# ratio; null: linear), e.g. {"3.1": {"full_at": null}}. INDEX_CERTIFIED_COPIES_FULL: 4.6
# gives every unit its maximum, as the national portal does today; 0: the share of the unit's
# communes that issued a signed electronic certified copy in the period. 1.1: a publishing
# decision is on time when issued at least INDEX_PUBLISH_LEAD_WORKING_DAYS working days before
# the legal effect (the province's rule); 1.2: made public in the national database within
# INDEX_MADE_PUBLIC_WORKING_DAYS working days of the decision.
INDEX_UNCONFIRMED_RULES = json.loads(os.environ.get("INDEX_UNCONFIRMED_RULES", "{}") or "{}")
INDEX_CERTIFIED_COPIES_FULL = env_bool("INDEX_CERTIFIED_COPIES_FULL", True)
INDEX_PUBLISH_LEAD_WORKING_DAYS = int(os.environ.get("INDEX_PUBLISH_LEAD_WORKING_DAYS", "5"))
INDEX_MADE_PUBLIC_WORKING_DAYS = int(os.environ.get("INDEX_MADE_PUBLIC_WORKING_DAYS", "5"))
# The leaders' dashboard: its index trend by month is cached this long; the list of dossiers
# near or past their due time refreshes itself every DASHBOARD_REFRESH_SECONDS; a statistics
# export from the dashboard longer than EXPORT_DIRECT_MAX_ROWS rows is written in the
# background (with its progress shown) instead of streamed at once.
DASHBOARD_TREND_SECONDS = int(os.environ.get("DASHBOARD_TREND_SECONDS", "300"))
DASHBOARD_REFRESH_SECONDS = int(os.environ.get("DASHBOARD_REFRESH_SECONDS", "60"))
EXPORT_DIRECT_MAX_ROWS = int(os.environ.get("EXPORT_DIRECT_MAX_ROWS", "5000"))
# Background exports (their files and rows) are deleted by housekeeping after this many days.
EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))

# Dates an officer enters on a dossier (issue 9: a new appointment in year 9999 was printed on
# Form 04). The new appointment of an apology lies after the current appointment; the due time
# of a part handed to another agency (send_interagency, step_due_at) lies after now. Neither
# lies further from that moment than the longest of the dossier's legal duration (as applied
# at receipt, and the procedure's own, which bounds its process steps), counted again on the
# working calendar, and OFFICER_DATE_WINDOW_WORKING_DAYS working days (at least 1). The
# one-stop decrees (DOMAIN.md §4) allow one new appointment per dossier and set no maximum to
# the extension: the maximum is this deployment's choice. Default 10 working days (two working
# weeks), so a same-day or 3-day procedure can still wait for a verification.
OFFICER_DATE_WINDOW_WORKING_DAYS = max(
    1, int(os.environ.get("OFFICER_DATE_WINDOW_WORKING_DAYS", "10")))

# Escalation (processing): warn the assignee this many working hours before a step is due, and
# the heads and the one-stop unit this many before the dossier's legal due time (Form 04).
STEP_WARN_BEFORE_HOURS = float(os.environ.get("STEP_WARN_BEFORE_HOURS", "4"))
DOSSIER_WARN_BEFORE_HOURS = float(os.environ.get("DOSSIER_WARN_BEFORE_HOURS", "8"))

# Housekeeping (manage.py housekeep, hourly under scripts/serve.sh): how long an Idempotency-Key
# replays its first response, and how long results of finished background tasks are kept.
IDEMPOTENCY_KEEP_HOURS = float(os.environ.get("IDEMPOTENCY_KEEP_HOURS", "72"))
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "30"))
# Sent messages (notifications.Delivery: an email's address and body) are deleted after this;
# failed and pending ones stay until an administrator deals with them.
DELIVERIES_KEEP_DAYS = int(os.environ.get("DELIVERIES_KEEP_DAYS", "180"))
# Online submissions being prepared in the portal (portal.SubmissionDraft) are deleted, with
# their uploaded files, this many days after they were last saved: long enough to fetch a paper
# from another office, short enough not to keep personal data nobody submitted.
SUBMISSION_DRAFT_KEEP_DAYS = int(os.environ.get("SUBMISSION_DRAFT_KEEP_DAYS", "30"))

# Public lookups (tracking by code, API and page): per client and minute; 0 = no limit. Counted
# across all processes (in Redis, or in the database; see motcua/core/ratelimit.py).
PUBLIC_LOOKUPS_PER_MINUTE = int(os.environ.get("PUBLIC_LOOKUPS_PER_MINUTE", "60"))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# HTTPS. HTTPS=1 says that users reach the site over HTTPS only, with TLS here or at a reverse
# proxy in front (then TRUSTED_PROXY_COUNT counts the proxies, and the outermost one must set
# X-Forwarded-Proto, which is then trusted). With it, plain-HTTP requests are redirected to
# HTTPS (but /healthz, for load balancers) and browsers are told to come back over HTTPS only
# for HSTS_SECONDS (a year; HSTS_INCLUDE_SUBDOMAINS=1 extends it to every subdomain). The
# session and CSRF cookies are Secure (sent over HTTPS only) with HTTPS=1 and whenever DEBUG is
# off; SECURE_COOKIES=0 is for a server that serves plain HTTP on the local machine only, as
# `make run` does (scripts/serve.sh sets it): over http:// a browser may drop Secure cookies,
# and signing in to the admin would fail.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS and TRUSTED_PROXY_COUNT > 0 else None)
