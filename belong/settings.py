"""Belong settings: one module, every value read from the environment with strict parsing.

A value that cannot be parsed raises ImproperlyConfigured at start-up rather than being guessed.
See README.md ("Environment") for the full table.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


DEBUG = _bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Editor-typed words in every language (`name_es`, …); must come before the admin to patch its forms.
    "modeltranslation",
    # Trust (admin and confidential data): the admin site refuses lookups on private data in every admin.
    "belong.admin_apps.BelongAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "belong",
    "accounts",
    "groups",
    "meetings",
    "equity_plan",
    "comments",
    "funding",
    "provisioning",
    "spaces",
    "impact",
    # On top of every app: the home page reads them all, and nothing imports it.
    "home",
]

MIDDLEWARE = [
    # Trust (logs): outermost, so gunicorn's access log gets the route of every answer (belong/logging.py).
    "belong.middleware.LogRouteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "belong.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's user, the site settings and the unread count in one round trip to Redis.
    "belong.middleware.ReadAheadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "belong.middleware.SecurityHeadersMiddleware",
    "belong.middleware.AdminMFARequiredMiddleware",
    # Trust (input): NUL and control characters, bad admin lookups answer 400; innermost, so the page
    # has the full layout and every security header.
    "belong.middleware.BadInputMiddleware",
]

# bench/settings.py points this at its own URLconf (the portal plus a bare reference view).
ROOT_URLCONF = "belong.urls"
WSGI_APPLICATION = "belong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "belong.context_processors.site",
            ],
        },
    },
]

# --- Database: PostgreSQL only. Without DATABASE_URL an embedded server runs under .data/ -----------
DATABASE_URL = env.str("DATABASE_URL", default="")
if not DATABASE_URL:
    from belong import embedded

    DATABASE_URL = embedded.database_url()
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Django's backend, checking a connection's health only after it sat idle (belong/postgresql/base.py).
DATABASES["default"]["ENGINE"] = "belong.postgresql"
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# Parameters bound by the server, and a statement prepared once a connection has run it this many times:
# PostgreSQL then skips parsing and planning the hot statements (a group's 73-column row, the directory's
# version). 0 turns preparing off, for a pooler that cannot keep prepared statements (PgBouncer before 1.21,
# or without max_prepared_statements, in transaction mode).
DATABASE_PREPARE_THRESHOLD = _int("DATABASE_PREPARE_THRESHOLD", 5)
DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = DATABASE_PREPARE_THRESHOLD or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, rate limits. Without REDIS_URL an embedded server runs -----------
REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL:
    from belong import embedded

    REDIS_URL = embedded.redis_url()
CACHES = {
    "default": {
        "BACKEND": "belong.cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="belong"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# --- Availability: a hung Redis never holds a web request for more than about a second ----------------
# A frozen Redis (SIGSTOP, a stalled VM) still accepts TCP connections, so only a socket timeout ends a
# call. After one times out, the cache answers every call as a miss for this long without asking Redis
# (belong.cache), instead of making each call of each request wait out its own timeout.
CACHE_RETRY_AFTER_SECONDS = 5
# Each /healthz check gets this long, all of them at once: the probe answers within ~1 s whatever hangs.
HEALTHZ_CHECK_TIMEOUT_SECONDS = 1.0


def celery_broker_url(redis_url: str) -> str:
    """The broker on the cache's server and database. kombu spells a unix socket `redis+socket://` and
    reads its database from `virtual_host`: given `db`, it would quietly use database 0."""
    if not redis_url.startswith("unix:"):
        return redis_url
    parts = urlsplit(redis_url)
    query = [("virtual_host" if name == "db" else name, value) for name, value in parse_qsl(parts.query)]
    return f"redis+socket://{parts.path}" + (f"?{urlencode(query)}" if query else "")


CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=celery_broker_url(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing tries twice at once, then gives up, and a request never waits for it (belong.publisher
# hands it to a thread); with the broker down or hung the outbox sweeper delivers later. The socket
# timeout ends a publish to a Redis that accepts connections but never answers; kombu applies it to
# blocking calls only, not to a worker's BRPOP in its event loop.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 1,
    "interval_start": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# Waiting batches of a web process's publisher thread; beyond this, the sweeper queues them.
PUBLISHER_QUEUE_SIZE = 1000
CELERY_TASK_ALWAYS_EAGER = _bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# django-celery-beat caps Django below 6.1, so the schedule lives here.
CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "belong.tasks.beat_heartbeat", "schedule": 30.0},
    "outbox-sweep": {"task": "belong.tasks.sweep_outbox", "schedule": 60.0},
    "meeting-reminders": {"task": "meetings.tasks.send_due_reminders", "schedule": 300.0},
    "comment-retention": {
        "task": "comments.tasks.purge_expired_comments",
        "schedule": crontab(hour=3, minute=15),
    },
    # Comment anonymity: each hour, the database forgets the order in which the last hours' comments came.
    "comment-blur-order": {"task": "comments.tasks.blur_submission_order", "schedule": crontab(minute=1)},
    # Group spaces: the weekly digest. Beat's clock is UTC, so it looks every hour and the task sends on
    # Monday at SPACES_DIGEST_HOUR in the district's time zone (right across daylight-saving changes).
    "spaces-weekly-digest": {"task": "spaces.tasks.weekly_digest", "schedule": crontab(minute=5)},
    # Impact: hourly, whatever Celery's time zone; the task itself waits for 7:00 in the district's zone.
    "impact-feedback-requests": {"task": "impact.tasks.send_feedback_requests", "schedule": crontab(minute=5)},
    # Impact: each hour, the database forgets which feedback answer came with which person's "answered" row.
    "impact-blur-feedback-order": {"task": "impact.tasks.blur_feedback_order", "schedule": crontab(minute=2)},
}
BEAT_MAX_AGE_SECONDS = _int("BEAT_MAX_AGE_SECONDS", 180, minimum=30)

# --- Impact: check-in window, feedback e-mail, small-cell suppression --------------------------------
CHECK_IN_OPENS_MINUTES_BEFORE = _int("CHECK_IN_OPENS_MINUTES_BEFORE", 30, minimum=0)
CHECK_IN_CLOSES_MINUTES_AFTER = _int("CHECK_IN_CLOSES_MINUTES_AFTER", 120, minimum=0)
CHECK_IN_MAX_WRONG_CODES_PER_HOUR = _int("CHECK_IN_MAX_WRONG_CODES_PER_HOUR", 20, minimum=1)
FEEDBACK_EMAIL_LOCAL_HOUR = _int("FEEDBACK_EMAIL_LOCAL_HOUR", 7, minimum=0)
FEEDBACK_MIN_ANSWERS = 5
REPORT_MIN_CELL = 5

# --- Mail: Django 6.1 MAILERS. Everything the portal sends goes through the outbox -----------------
EMAIL_DELIVERY = env.str("EMAIL_DELIVERY", default="smtp" if not DEBUG else "file")
if EMAIL_DELIVERY == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("SMTP_HOST", default="localhost"),
                "port": _int("SMTP_PORT", 25, minimum=1),
                "username": env.str("SMTP_USERNAME", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
                "use_tls": _bool("SMTP_USE_TLS", False),
                "use_ssl": _bool("SMTP_USE_SSL", False),
                "timeout": _int("SMTP_TIMEOUT", 20, minimum=1),
            },
        }
    }
elif EMAIL_DELIVERY == "file":
    EMAIL_FILE_DIR = Path(env.str("EMAIL_FILE_DIR", default=str(BASE_DIR / ".data" / "mail")))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(EMAIL_FILE_DIR)},
        }
    }
elif EMAIL_DELIVERY == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured(f"EMAIL_DELIVERY must be smtp, file or console, not {EMAIL_DELIVERY!r}.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Belong <belong@district.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 200, minimum=1)
OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
OUTBOX_STALE_SECONDS = _int("OUTBOX_STALE_SECONDS", 120, minimum=1)
# --- E-mail delivery once, and failures seen (belong/mail/, belong/delivery.py) -----
# A message the server took but never confirmed is resent once, after this wait (database clock).
OUTBOX_UNCERTAIN_RESEND_SECONDS = _int("OUTBOX_UNCERTAIN_RESEND_SECONDS", 6 * 3600, minimum=60)
# VERP: with a domain set, the envelope sender is bounces+<row>.<signature>@<domain>; the mail server for
# that domain pipes bounces to `manage.py process_bounce`. Empty: the From address, no VERP.
OUTBOX_BOUNCE_DOMAIN = env.str("OUTBOX_BOUNCE_DOMAIN", default="").strip().lower()
OUTBOX_BOUNCE_LOCAL_PART = env.str("OUTBOX_BOUNCE_LOCAL_PART", default="bounces").strip().lower()
# The relay's bounce webhook (POST /delivery/bounces/) answers 404 until a secret is set.
OUTBOX_BOUNCE_WEBHOOK_SECRET = env.str("OUTBOX_BOUNCE_WEBHOOK_SECRET", default="")
# --- end e-mail delivery ---

# --- Accounts (django-allauth) ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The stock ModelBackend and allauth's backend, each loading the user with the equity-director flag.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.DirectorAwareModelBackend",
    "accounts.backends.DirectorAwareAllauthBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
DISTRICT_EMAIL_DOMAINS = [d.lower() for d in _list("DISTRICT_EMAIL_DOMAINS", "district.example")]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords are counted by accounts/throttle.py (below); allauth's `login_failed` now only counts
    # wrong second-factor codes, per address (generous: a school shares one) and per account.
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="20/5m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Per address only: a per-e-mail part ("5/m/key", "3/m/key") let anyone keep a colleague from getting
    # a reset link or sign-in code; accounts/throttle.py's EmailedRequestThrottle adds per-account limits.
    "reset_password": "20/m/ip",
    "request_login_code": "20/m/ip",
}
ACCOUNT_FORMS = {
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Belong] "
# --- Sign-in throttling (accounts/throttle.py): slows guessing, never locks the owner out ---------------
# Failed password sign-ins allowed per (address, account) in 5 minutes and per address in 15; past the
# per-account count (across addresses, forgotten an hour after the last failure), attempts from addresses
# and browsers the account never signed in from wait a delay doubling from 15 s to 15 min.
LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT = _int("LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = 300
LOGIN_FAILURES_PER_ADDRESS = _int("LOGIN_FAILURES_PER_ADDRESS", 50, minimum=1)
LOGIN_ADDRESS_WINDOW_SECONDS = 900
LOGIN_FAILURES_PER_ACCOUNT = _int("LOGIN_FAILURES_PER_ACCOUNT", 20, minimum=1)
LOGIN_ACCOUNT_WINDOW_SECONDS = 3600
LOGIN_ACCOUNT_DELAY_SECONDS = 15
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 900
# How long an address, and a browser (signed cookie), an account signed in from skip that delay.
LOGIN_KNOWN_ADDRESS_DAYS = 90
# E-mailed sign-in codes asked for per (address, account) in 5 minutes, and per account in an hour from
# addresses and browsers it never signed in from (spares the inbox; the owner's own are not counted).
LOGIN_CODE_REQUESTS_PER_ADDRESS_AND_ACCOUNT = 3
LOGIN_CODE_REQUESTS_PER_ACCOUNT = 10
# The same for password-reset e-mails.
PASSWORD_RESET_REQUESTS_PER_ADDRESS_AND_ACCOUNT = 3
PASSWORD_RESET_REQUESTS_PER_ACCOUNT = 5
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Belong")
# Staff who can open the admin must have a second factor; on by default whenever DEBUG is off.
ADMIN_REQUIRES_MFA = _bool("ADMIN_REQUIRES_MFA", not DEBUG)

# Single sign-on switches on when its variables are present: no code change.
SOCIALACCOUNT_PROVIDERS: dict = {}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env.str("GOOGLE_CLIENT_ID"), "secret": env.str("GOOGLE_CLIENT_SECRET")}],
        "SCOPE": ["profile", "email"],
        "VERIFIED_EMAIL": True,
    }
if env.str("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env.str("MICROSOFT_CLIENT_ID"),
                "secret": env.str("MICROSOFT_CLIENT_SECRET"),
                "settings": {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
            }
        ],
        "VERIFIED_EMAIL": True,
    }

# --- Provisioning: sign-in with any OpenID Connect provider (ClassLink, Clever, Okta, Entra ID…) -------
# One provider from the environment; its button shows beside Google and Microsoft. Accounts are created
# or linked by the e-mail the provider says it verified, and only inside DISTRICT_EMAIL_DOMAINS.
SOCIALACCOUNT_ADAPTER = "provisioning.adapter.DistrictSocialAccountAdapter"
if env.str("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="district"),
                "name": env.str("OIDC_NAME", default="District sign-in"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": {
                    "server_url": env.str("OIDC_SERVER_URL"),
                    "token_auth_method": env.str("OIDC_TOKEN_AUTH_METHOD", default="client_secret_basic"),
                },
            }
        ],
        "SCOPE": ["openid", "profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
        # For providers that send no email_verified claim (Clever): addresses in these domains, which the
        # district's own directory issues, count as verified.
        "VERIFIED_EMAIL": [domain.lower() for domain in _list("OIDC_TRUSTED_EMAIL_DOMAINS")],
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Public comments ----------------------------------------------------------------------------------
COMMENT_RETENTION_DAYS = _int("COMMENT_RETENTION_DAYS", 365, minimum=1)
COMMENT_RATE_LIMIT_COUNT = _int("COMMENT_RATE_LIMIT_COUNT", 10, minimum=1)
COMMENT_RATE_LIMIT_WINDOW_SECONDS = _int("COMMENT_RATE_LIMIT_WINDOW_SECONDS", 3600, minimum=1)
COMMENT_RECEIPT_RATE_LIMIT_COUNT = _int("COMMENT_RECEIPT_RATE_LIMIT_COUNT", 20, minimum=1)
COMMENT_RECEIPT_RATE_LIMIT_WINDOW_SECONDS = _int("COMMENT_RECEIPT_RATE_LIMIT_WINDOW_SECONDS", 3600, minimum=1)
# Comment anonymity against the district's own servers (see comments/protection.py): rate limits count
# per bucket of 2^-bits of all addresses (at most 16 bits, more counts as 16, so a bucket holds at least
# 65,536 IPv4 addresses or IPv6 /48s), under a global ceiling per window and a lower one for forms sent
# without the proof of work (no JavaScript). The browser must find this many leading zero bits of SHA-256.
COMMENT_ADDRESS_BUCKET_BITS = _int("COMMENT_ADDRESS_BUCKET_BITS", 14, minimum=1)
COMMENT_GLOBAL_LIMIT = _int("COMMENT_GLOBAL_LIMIT", 300, minimum=1)
COMMENT_UNVERIFIED_GLOBAL_LIMIT = _int("COMMENT_UNVERIFIED_GLOBAL_LIMIT", 30, minimum=1)
COMMENT_POW_DIFFICULTY = _int("COMMENT_POW_DIFFICULTY", 16)
# A comment posted faster than this after the form was shown is a bot's.
COMMENT_FORM_MIN_SECONDS = _int("COMMENT_FORM_MIN_SECONDS", 2)
COMMENT_FORM_MAX_AGE_SECONDS = _int("COMMENT_FORM_MAX_AGE_SECONDS", 86400, minimum=60)

# --- Client address behind proxies (belong/net.py) ------------------------------------------------------
# How many reverse proxies of ours append to X-Forwarded-For: the client is the Nth hop from the right
# (0 = REMOTE_ADDR, X-Forwarded-For ignored). Every rate limit reads it: sign-in, allauth's, comments.
# COMMENT_TRUSTED_PROXY_COUNT is its old, comments-only name, still read when the new one is not set.
_OLD_PROXY_COUNT = env.str("COMMENT_TRUSTED_PROXY_COUNT", default="").strip()  # compose passes "" when unset
if _OLD_PROXY_COUNT:
    warnings.warn("COMMENT_TRUSTED_PROXY_COUNT is deprecated: set TRUSTED_PROXY_COUNT instead.", stacklevel=1)
TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", _int("COMMENT_TRUSTED_PROXY_COUNT", 0) if _OLD_PROXY_COUNT else 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("vi", "Tiếng Việt"),
    ("pt", "Português"),
    ("ht", "Kreyòl ayisyen"),
]
# Languages complete for the whole portal; the others cover the public pages.
PORTAL_LANGUAGES = ["en", "es"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times people read come from the locale: one formats module per language, used by templates as
# |date:"DATETIME_FORMAT" / "DATE_FORMAT" / "TIME_FORMAT" (e-mails and calendar text too).
FORMAT_MODULE_PATH = ["belong.formats"]

# Content in every language (django-modeltranslation): each translated field gets one column per language
# (`title_en`, `title_es`, …). The district's language (LANGUAGE_CODE) holds what was there before and is
# the first fallback; after it, any language that has the text (a lead may have typed it only in Spanish),
# so a page never shows an empty title. Templates mark a fallback with lang/dir ({% trans_field %}).
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE, *[code for code, _name in LANGUAGES if code != LANGUAGE_CODE])
# A group's goals are an ArrayField of lines; translated like the other fields.
MODELTRANSLATION_CUSTOM_FIELDS = ("ArrayField",)
# Slugs are made from the district language's title, whatever the editor's admin language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = LANGUAGE_CODE
# The admin's language tabs need jQuery UI's tabs; served from our origin (the CSP allows no CDN).
# modeltranslation reads this name without its MODELTRANSLATION_ prefix.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui-tabs.js"
TIME_ZONE = env.str("DISTRICT_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- District facts shown in the footer and e-mails (admin-editable copies live in SiteSettings) ----
DISTRICT_NAME = env.str("DISTRICT_NAME", default="Riverside Unified School District")

# --- Static files -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; development and tests serve the sources.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _bool("STATIC_MANIFEST", not DEBUG)

# --- Funding: group budgets. Receipts live in a private storage that no URL serves; a view checks access
FUNDING_CURRENCY = env.str("FUNDING_CURRENCY", default="USD").strip().upper()
if len(FUNDING_CURRENCY) != 3 or not FUNDING_CURRENCY.isalpha():
    raise ImproperlyConfigured(f"FUNDING_CURRENCY must be a three-letter code such as USD, not {FUNDING_CURRENCY!r}.")
FUNDING_RECEIPT_MAX_BYTES = _int("FUNDING_RECEIPT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# The district's fiscal year starts on the first of this month (July): a new cycle's default dates.
FUNDING_CYCLE_START_MONTH = _int("FUNDING_CYCLE_START_MONTH", 7, minimum=1)
# Receipts and group spaces' files share this folder (README: PRIVATE_MEDIA_ROOT).
_PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "private"))


def _private_folder_storage(backend: str) -> dict:
    """Outside STATIC_ROOT and never routed: whitenoise and the URLconf cannot reach it; owner-only modes."""
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "location": _PRIVATE_MEDIA_ROOT,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }


FUNDING_RECEIPTS_STORAGE = env.str("FUNDING_RECEIPTS_STORAGE", default="local")
if FUNDING_RECEIPTS_STORAGE == "local":
    STORAGES["funding_receipts"] = _private_folder_storage("funding.storage.PrivateFileSystemStorage")
elif FUNDING_RECEIPTS_STORAGE == "s3":
    if not env.str("FUNDING_S3_BUCKET", default=""):
        raise ImproperlyConfigured("FUNDING_RECEIPTS_STORAGE=s3 needs FUNDING_S3_BUCKET.")
    # django-storages[s3] is not among the locked packages (it declares Django up to 5.1): install it to use this.
    STORAGES["funding_receipts"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("FUNDING_S3_BUCKET"),
            "endpoint_url": env.str("FUNDING_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("FUNDING_S3_REGION", default="") or None,
            "access_key": env.str("FUNDING_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("FUNDING_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("FUNDING_S3_PREFIX", default="belong"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(f"FUNDING_RECEIPTS_STORAGE must be local or s3, not {FUNDING_RECEIPTS_STORAGE!r}.")

# --- Group spaces: attachments and library files in a private storage (no URL; an access-checked view serves
# them), the edit window, the weekly digest's hour (district time) and batch size.
STORAGES["spaces_files"] = _private_folder_storage("belong.private_files.PrivateFileSystemStorage")
SPACES_FILE_MAX_BYTES = _int("SPACES_FILE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
SPACES_EDIT_WINDOW_SECONDS = _int("SPACES_EDIT_WINDOW_SECONDS", 15 * 60, minimum=0)
SPACES_DIGEST_HOUR = _int("SPACES_DIGEST_HOUR", 7, minimum=0)
SPACES_DIGEST_BATCH = _int("SPACES_DIGEST_BATCH", 2000, minimum=1)
# Shown by every composer; empty: the group's own charter on its page.
SPACES_CODE_OF_CONDUCT_URL = env.str("SPACES_CODE_OF_CONDUCT_URL", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _bool("BEHIND_TLS_PROXY", not DEBUG) else None
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Every change's reason is kept whole in its history row: an allocation's or an expense's reason may be
# 300 characters, and simple_history's default column holds 100 (a longer one answered 500).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Sessions are read from Redis and written to both Redis and PostgreSQL: a signed-in request makes no
# session query, and a Redis restart or outage loses no one's sign-in (the database copy answers). Django's
# cached_db with the cache entry named after a keyed hash of the session key, never the key (belong.sessions).
SESSION_ENGINE = "belong.sessions"
# The signed-in user and their equity-director flag are cached too (accounts.user_cache), forgotten on
# every change; this bounds how long a write that bypasses the ORM's signals (raw SQL) can go unseen.
USER_CACHE_SECONDS = 300
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Logging: no client addresses, user agents or receipts, ever -------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "belong.logging.ScrubSensitiveFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django.request logs include the request object; the filter strips what identifies a person.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Trust (logs): pages people use so as not to be known are in no access log, with or without a
# language prefix (belong/logging.py; deploy/Caddyfile.example and deploy/nginx.conf.example match).
LOG_SKIP_PATH_PREFIXES = ["comment"]
LOG_SKIP_NAMESPACES = ["comments"]
# Trust (input): BadInputMiddleware answers 400 to control characters in forms, except for these
# namespaces, whose forms remove them and keep the rest of what was typed (comments/forms.py).
CONTROL_CHARACTERS_CLEANED_BY_NAMESPACES = ["comments"]
ADMINS: list[tuple[str, str]] = []
