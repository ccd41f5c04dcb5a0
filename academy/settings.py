"""Settings for the Governance Academy, read from the environment (12-factor).

Local development needs nothing: `make run` sets DEBUG=true and the database is a
SQLite file under var/. Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL,
EMAIL_URL and (optionally) REDIS_URL; see README.md. Running on several machines
(shared cache, media bucket, proxies, connection pooling): docs/deploy.md.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)  # whitenoise warns when it is missing

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local work use `make run`."
        )
    # Only ever used with DEBUG on; check --deploy flags it.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105
# Rotation: the new key in SECRET_KEY, the old one here until sessions and links signed with
# it have expired. Every process on every machine must have the same keys.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind a load balancer REMOTE_ADDR is the balancer's address, so rate limits per address
# (sign-in, sign-up, /verify/) would count every visitor together. Name the client's address:
# the number of proxies we run that append to X-Forwarded-For, or a header our proxy sets.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Certificate lookups per minute from one address (allauth rate-limit syntax).
VERIFY_RATE_LIMIT = env.str("VERIFY_RATE_LIMIT", default="30/m/ip")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "academy",
    "modules",
    "cohorts",
    "certificates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.middleware.SessionTimeoutMiddleware",
    "academy.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "academy.urls"
# `make bench` only: adds the floor page and the bare view it compares against.
if env.bool("BENCH", default=False):
    ROOT_URLCONF = "academy.bench_urls"
WSGI_APPLICATION = "academy.wsgi.application"
ASGI_APPLICATION = "academy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "academy.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "academy.forms.AcademyFormRenderer"

# --- Data -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'academy.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so a restarted server is survived.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters sent apart from the SQL, and a statement run five times on a connection is
    # prepared: the server plans it once (the dashboard's fingerprint: 0.5 ms → 0.2 ms).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
    if env.bool("DATABASE_TRANSACTION_POOLING", default=False):
        # Behind PgBouncer (or another pooler) in transaction mode: no server-side cursors
        # (`.iterator()` in the CSV exports) and no prepared statements, which would outlive
        # the transaction on a server connection another client gets next.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache: allauth's rate limits must be counted across processes and machines.
# "fragments" (academy.fragments): the curriculum's outlines and rendered parts of public pages,
# kept only in Redis. Without it nothing is cached: a database-cache read is a query itself.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "academy.cache.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "fragments": {
            "BACKEND": "academy.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fragments",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "academy_cache",
        },
        "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- People and accounts ----------------------------------------------------
AUTH_USER_MODEL = "academy.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "academy.forms.SignupProfileForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Governance Academy] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Governance Academy"
# WebAuthn needs a secure origin; plain http://127.0.0.1 is allowed for local work only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Sessions are read from Redis when there is one (and kept in the database all the same).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Absolute limit 14 days after sign-in; idle limit 12 hours (academy.middleware).
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=60 * 60 * 24 * 14)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Email ---------------------------------------------------------------------
# EMAIL_URL like smtp+tls://user:password@smtp.example.org:587; printed to the console when unset.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Progressive Governance Academy <academy@localprogress.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Pages and emails name formats (TIME_FORMAT, ...) so each language writes times its own way.
FORMAT_MODULE_PATH = ["academy.formats"]
USE_I18N = True
TIME_ZONE = "America/New_York"
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploads and certificate PDFs: a local folder by default. With more than one machine, an
# S3-compatible bucket (django-storages) that every web process and worker shares. Objects are
# private; a page links to them with a signed URL that expires, and certificate PDFs are only
# ever streamed through the permission-checked download view. Credentials are read by
# django-storages/boto3 from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role).
MEDIA_STORAGE_BUCKET = env.str("MEDIA_STORAGE_BUCKET", default="") or env.str(
    "AWS_STORAGE_BUCKET_NAME", default=""
)
MEDIA_ORIGINS: list[str] = []  # where media URLs point when not on this site (for the CSP)
if MEDIA_STORAGE_BUCKET:
    _endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")
    _region = env.str("AWS_S3_REGION_NAME", default="")
    # Regional virtual-host URLs on AWS; other stores (MinIO, …) answer path-style by default.
    _addressing = env.str("AWS_S3_ADDRESSING_STYLE", default="" if _endpoint else "virtual")
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_STORAGE_BUCKET,
            "endpoint_url": _endpoint or None,
            "region_name": _region or None,
            "addressing_style": _addressing or None,
            "signature_version": "s3v4",
            "location": env.str("AWS_LOCATION", default=""),
            # Empty for buckets with ACLs disabled ("bucket owner enforced"): private anyway.
            "default_acl": env.str("AWS_DEFAULT_ACL", default="private") or None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            # Never replace a file of the same name (old template versions keep their images).
            "file_overwrite": False,
        },
    }
    if _endpoint:
        _url = urlsplit(_endpoint)
        MEDIA_ORIGINS = [
            f"{_url.scheme}://{_url.netloc}",
            f"{_url.scheme}://{MEDIA_STORAGE_BUCKET}.{_url.netloc}",
        ]
    else:
        MEDIA_ORIGINS = [f"https://{MEDIA_STORAGE_BUCKET}.s3.amazonaws.com"]
        if _region:
            MEDIA_ORIGINS.append(f"https://{MEDIA_STORAGE_BUCKET}.s3.{_region}.amazonaws.com")
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "academy.storage.StaticFilesStorage"
    },
}

# --- Security --------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # Lesson videos: privacy-enhanced YouTube and Vimeo players, loaded only on "Play".
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load-balancer health checks often come over plain HTTP: answer them, do not redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
