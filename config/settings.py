"""Lokale settings, read from the environment (see README, "Configuration")."""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    check_known,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_origins,
    env_str,
    env_time,
    env_url,
)
from config.oidc import ENV_NAMES as OIDC_ENV_NAMES
from config.oidc import oidc_app_from_env, socialaccount_providers
from config.settings_money import ENV_NAMES as MONEY_ENV_NAMES

BASE_DIR = Path(__file__).resolve().parent.parent

check_known(
    "LOKALE_",
    {
        "LOKALE_STATIC_ROOT",
        "LOKALE_MEDIA_ROOT",
        "LOKALE_PHOTO_MAX_BYTES",
        "LOKALE_PHOTO_MAX_PIXELS",
        "LOKALE_SECURE_SSL_REDIRECT",
        "LOKALE_HSTS_SECONDS",
        "LOKALE_HSTS_PRELOAD",
        "LOKALE_TRUSTED_PROXIES",
        "LOKALE_LOGIN_FAILURE_LIMIT",
        "LOKALE_LOGIN_LOCKOUT_MINUTES",
        "LOKALE_REMINDER_TIME",
        "LOKALE_SITE_URL",
        "LOKALE_CACHE_URL",
        "LOKALE_LENDING_RETENTION_DAYS",
        "LOKALE_DIGEST_TIME",
        "LOKALE_SMS_BACKEND",
        "LOKALE_SMS_URL",
        "LOKALE_SMS_TOKEN",
        "LOKALE_SMS_SENDER",
        "LOKALE_NOTIFY_MAX_ATTEMPTS",
        "LOKALE_NOTIFY_RETRY_SECONDS",
        "LOKALE_NOTIFY_KEEP_DAYS",
        "LOKALE_BOOKING_RETENTION_DAYS",
        "LOKALE_PRIVACY_CONTROLLER",
        "LOKALE_PRIVACY_CONTACT",
        "LOKALE_MUNICIPALITY_NAME",
        "LOKALE_MUNICIPALITY_CONTACT",
        *OIDC_ENV_NAMES,
        "LOKALE_BRREG_URL",
        "LOKALE_BRREG_TIMEOUT",
        "LOKALE_EMBED_ORIGINS",
        *MONEY_ENV_NAMES,
    },
)

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "registry",
    "booking",
    "lending",
    "seasons",
    "community",
    "billing",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.NorwegianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins (web form and API token alike): locked for a while after a few tries.
AXES_FAILURE_LIMIT = env_int("LOKALE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOKALE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_VERBOSE = False
# How many reverse proxies of ours stand in front of the service. Each appends the address
# it was called from to X-Forwarded-For, so the client is that many entries from the right;
# entries further left are whatever the client wrote. With 0 the header is ignored.
# Throttling (NUM_PROXIES below) and the login lockout find the client the same way.
TRUSTED_PROXIES = env_int("LOKALE_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "booking:room_finder"
LOGOUT_REDIRECT_URL = "booking:room_finder"

# Accounts: django-allauth's pages at /accounts/ (sign-up, login by username or email,
# logout, password reset, change of email). Its backend comes after axes', so a locked
# client is refused before any password is checked, on every login path.
INSTALLED_APPS += ["allauth", "allauth.account"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
    "allauth.account.middleware.AccountMiddleware",
)
AUTHENTICATION_BACKENDS.append("allauth.account.auth_backends.AuthenticationBackend")
ACCOUNT_ADAPTER = "booking.accounts.AccountAdapter"
ACCOUNT_FORMS = {"login": "booking.accounts.LoginForm"}
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "booking.account_tokens.PasswordResetTokenGenerator"  # noqa: S105
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Anyone may sign in unverified; booking and reserving wait for a confirmed address
# (booking.roles.email_verified).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Lokale: "
# Failed logins are counted by axes alone (LOKALE_LOGIN_FAILURE_LIMIT); allauth's other
# limits (sign-ups, reset mails, resent confirmations per address) stay on.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
AXES_USERNAME_CALLABLE = "booking.accounts.lockout_username"

# --- ID-porten (OpenID Connect), on when LOKALE_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET
# are all set (config/oidc.py); the provider and adapter are in config/idporten.py ---
INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.openid_connect"]
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(oidc_app_from_env())
SOCIALACCOUNT_ADAPTER = "config.idporten.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "config.idporten.IDPortenSignupForm"}
SOCIALACCOUNT_EMAIL_REQUIRED = True
# An ID-porten login finds its account by sub alone, never by an email address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# Tokens are not kept: ID-porten's access token carries the national identity number.
SOCIALACCOUNT_STORE_TOKENS = False
# --- end of ID-porten ---

# Pages load scripts, styles, images and fonts from this service only, and nothing inline:
# behaviour lives in static/js, looks in static/css (a test reads every page for it).
# A form refused for a missing or stale CSRF token gets our page, in the visitor's language.
CSRF_FAILURE_VIEW = "config.pages.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The municipality's web sites that may show /embed/calendar/ and /embed/directory/ in an
# iframe (their frame-ancestors); every other page may be framed by no one. Unset: none may.
EMBED_ORIGINS = env_origins("LOKALE_EMBED_ORIGINS")
# No page needs these browser features; a page that is made to misbehave cannot ask.
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "booking.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so check-then-insert cannot race.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL or SQLite URL.")
elif env_bool("DATABASE_PREPARED_STATEMENTS", False):
    # Parameters bound by the server, and a statement a connection has sent five times
    # prepared, so that PostgreSQL plans it once per connection rather than once per
    # request (the token check's statement takes ~0.7 ms to plan and 0.1 ms to run).
    # Off by default: after five runs PostgreSQL may settle on a generic plan, and for
    # the free-room search that plan reads every booking (on the opening morning its
    # CPU per round went from 36 to 190 ms; BENCHMARKS.md). Never behind a pooler in
    # transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
# Ours first; then nynorsk for django-allauth's own texts, which allauth does not ship
# (makemessages writes only to the first path).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_str("LOKALE_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# Uploaded photos of equipment. DEBUG serves them; in production the reverse proxy does.
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("LOKALE_MEDIA_ROOT", str(BASE_DIR / "media"))
# Room photos: an upload larger than this, or with more pixels, is refused (400).
PHOTO_MAX_BYTES = env_int("LOKALE_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
PHOTO_MAX_PIXELS = env_int("LOKALE_PHOTO_MAX_PIXELS", 40_000_000, minimum=10_000)
STATICFILES_DIRS = [BASE_DIR / "static"]
# The service serves its own assets (no CDN); WhiteNoise does it efficiently in production.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is told 401 with WWW-Authenticate.
        "booking.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.Schema",
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # JSON only: the API is documented at /api/docs/; DRF's browsable pages carry inline
    # styles that the Content-Security-Policy refuses.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"login": "20/minute"},
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lokale API",
    "DESCRIPTION": "Booking of municipal rooms and lending of equipment.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Organisations' categories appear in more than one component (reading, registering).
    # A season's status shares the field name with a booking's: the booking's keeps its name.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationCategoryEnum": "booking.models.Organisation.Category",
        "StatusEnum": "booking.models.Booking.Status",
        "ActivityCategoryEnum": "community.models.Category",
        "AgeGroupEnum": "community.models.AgeGroup",
        "EventStatusEnum": "community.models.Event.Status",
    },
}

# Links in messages start with this address.
SITE_URL = env_str("LOKALE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The day before a booking, at this local time, its reminder goes out.
REMINDER_TIME = env_time("LOKALE_REMINDER_TIME", "18:00")
# A borrower with no loans or reservations for this long is anonymised.
LENDING_RETENTION_DAYS = env_int("LOKALE_LENDING_RETENTION_DAYS", 365)
# Bookings that ended this many days ago lose who booked them and their notes (3 years:
# the support report's horizon). /privacy/ names who answers for the data, and how to ask.
BOOKING_RETENTION_DAYS = env_int("LOKALE_BOOKING_RETENTION_DAYS", 1095, minimum=1)
# The municipality that runs the service and where to reach it (an email address or a
# page): named in the footer's pages, /accessibility/ (feedback) and /privacy/, which
# has its own controller and contact only where they differ (e.g. a data protection officer).
MUNICIPALITY_NAME = env_str("LOKALE_MUNICIPALITY_NAME")
MUNICIPALITY_CONTACT = env_str("LOKALE_MUNICIPALITY_CONTACT")
PRIVACY_CONTROLLER = env_str("LOKALE_PRIVACY_CONTROLLER", MUNICIPALITY_NAME)
PRIVACY_CONTACT = env_str("LOKALE_PRIVACY_CONTACT", MUNICIPALITY_CONTACT)
# Caretakers get the day's schedule at this local time.
DIGEST_TIME = env_time("LOKALE_DIGEST_TIME", "06:00")

# Enhetsregisteret: organisations registering by number are looked up in the local copy
# (manage.py import_enhetsregisteret), then, when this is set, in the register's open API,
# e.g. https://data.brreg.no/enhetsregisteret/api (seconds to wait for it: the timeout).
BRREG_URL = env_url("LOKALE_BRREG_URL")
BRREG_TIMEOUT = env_float("LOKALE_BRREG_TIMEOUT", 5.0, minimum=0.1)

# Cache: rendered calendar feeds. In-process by default; with LOKALE_CACHE_URL (Redis) it
# is shared by every web worker, so a feed version is rendered once.
CACHE_URL = env_str("LOKALE_CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery, the outbox's timing and email: config/settings_delivery.py
from config.settings_delivery import *  # noqa: E402, F403

# Money: payment at booking and the invoice basis: config/settings_money.py
from config.settings_money import *  # noqa: E402, F403

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("LOKALE_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("LOKALE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Asks browsers' preload lists to know the domain as HTTPS-only; hard to undo, so off
    # unless said, and only with the year-long max-age that the lists demand.
    SECURE_HSTS_PRELOAD = env_bool("LOKALE_HSTS_PRELOAD", False)
    if SECURE_HSTS_PRELOAD and SECURE_HSTS_SECONDS < 31536000:
        raise ImproperlyConfigured(
            "LOKALE_HSTS_PRELOAD needs LOKALE_HSTS_SECONDS of 31536000 or more."
        )
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
