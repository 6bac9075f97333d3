"""Settings for every environment, read from the environment (12-factor).

With nothing set the platform runs embedded: SQLite, a file-system Celery broker,
e-mail to files, no external service. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. ``DJANGO_PRODUCTION=1`` only tightens what is below.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# The embedded run's files: SQLite database, broker folders, cache, media and e-mail (tests of the embedded run
# point it at a folder of their own).
VAR_DIR = Path(env.str("CC_VAR_DIR", default=str(BASE_DIR / "var")))

PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=False) and not PRODUCTION

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="embedded-only-not-secret-9f3c1b7e2d6a4c8f0e5b")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

# The address links in e-mails and calendar feeds point to. Production must say it; the embedded run
# (circular_cities/embedded.py) sets it to the host and port it serves on.
SITE_URL = env.str("SITE_URL") if PRODUCTION else env.str("SITE_URL", default="http://localhost:8000")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver without Django's static handler: WhiteNoise serves static files in development as in production
    # (and answers a path-traversal attempt such as /static/../../etc/passwd with 404, not a 500)
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_celery_beat",
    "csp",
    "circular_cities",
    "accounts",
    "municipalities",
    "programmes",
    "workshops",
    "community",
    "notifications",
    "reports",
    "search",
    "operations",
    "audit",
    "blueprints",
    "imports",
    "calls",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "circular_cities.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",  # also records activity for allauth.usersessions, once a minute
    "accounts.middleware.RequireMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "circular_cities.urls"
WSGI_APPLICATION = "circular_cities.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.context_processors.navigation",
                "notifications.context_processors.notifications",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'circular_cities.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file in the embedded run: WAL and immediate
    # transactions keep concurrent writers from failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DATABASE_POOL", default=True):
    # PostgreSQL through Django's psycopg connection pool, one per process (docs/deployment.md, Scaling). Each
    # connection is checked as a request takes it (CONN_HEALTH_CHECKS), so one that a PostgreSQL restart ended
    # is replaced, and while the server restarts a request waits for a connection up to DATABASE_POOL_TIMEOUT
    # seconds instead of failing. A query the restart cuts off fails: a request is never run twice.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),  # GUNICORN_THREADS: one per thread
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10),
    }
else:
    # Without the pool (e.g. behind PgBouncer in transaction mode): Django's persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis, failing soft: while Redis is down the cache misses instead of failing every login
    # (circular_cities/cache.py); a Redis that does not answer holds a request up for at most 2 s per call.
    CACHES = {
        "default": {
            "BACKEND": "circular_cities.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # to the "django_redis" logger, one warning line each (LOGGING)
    DJANGO_REDIS_LOGGER = "django_redis"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    # Sessions are read from Redis and written through to the database, so a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A cache every local process shares, so login rate limits hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else kombu writes ./control in the checkout
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker's heartbeat (operations/tasks.py): beat queues it this often, and /health/?detail=1 reports
# "worker silent since …" when no worker has run it for WORKER_SILENT_AFTER_SECONDS. A queued heartbeat that no
# worker takes within one interval (at least 30 s) is dropped (expires): a worker that comes back runs no backlog.
WORKER_HEARTBEAT_EVERY_SECONDS = env.int("WORKER_HEARTBEAT_EVERY_SECONDS", default=60)
WORKER_SILENT_AFTER_SECONDS = env.int("WORKER_SILENT_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "operations: worker heartbeat": {
        "task": "operations.tasks.worker_heartbeat_task",
        "schedule": float(WORKER_HEARTBEAT_EVERY_SECONDS),
        "options": {"expires": max(WORKER_HEARTBEAT_EVERY_SECONDS, 30)},
    },
}

# --- Reminders (notifications app; DESIGN.md §5) ----------------------------------------------------------
# A reminder due longer ago than the grace window is never sent (loading a past programme sends nothing).
REMINDER_GRACE_HOURS = env.int("REMINDER_GRACE_HOURS", default=12)
REMINDER_SCAN_EVERY_SECONDS = env.int("REMINDER_SCAN_EVERY_SECONDS", default=300)
REMINDER_SWEEP_EVERY_SECONDS = env.int("REMINDER_SWEEP_EVERY_SECONDS", default=300)
# Claims queued this long ago and still not sent are queued again by the sweeper.
REMINDER_SWEEP_AFTER_SECONDS = env.int("REMINDER_SWEEP_AFTER_SECONDS", default=900)
# A send attempt recorded as started this long ago without an outcome is taken to have died (its e-mail may
# or may not have gone out): the next attempt sends again with the same Message-ID. Longer than any SMTP
# conversation (EMAIL_TIMEOUT per step).
REMINDER_SEND_LEASE_SECONDS = env.int("REMINDER_SEND_LEASE_SECONDS", default=600)

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # allauth's (e-mail or username and password); first, so
    # that logins record it in the session
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.InviteOnlyAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cirkulære byer] "
# Login limits (accounts/adapter.py; OWASP: per account and address together, growing waits, no lock-out that an
# attacker can aim at someone). Each failed-login limit is one rate, so the message can say how long to wait.
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",  # every login attempt from one address (a room full of people at a workshop)
    # Wrong passwords for one account from one address: wait up to 5 minutes, then up to an hour, then a day.
    # (allauth's MFA step uses "login_failed" too, per person, for wrong codes.)
    "login_failed": "5/5m/key",
    "login_failed_hour": "10/h/key",
    "login_failed_day": "20/d/key",
    # Generous: one address over all accounts (a town hall shares one), one account from every address (a botnet).
    "login_failed_address": env.str("LOGIN_FAILED_ADDRESS_LIMIT", default="60/h/ip"),
    "login_failed_account": env.str("LOGIN_FAILED_ACCOUNT_LIMIT", default="100/d/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # The public form of an open call e-mails a link to any address (calls.views.apply, and an applicant inviting
    # a colleague): per client address (a town hall shares one) and per e-mail address.
    "calls_link": env.str("CALLS_LINK_LIMIT", default="20/h/ip,5/h/key"),
}
# Rate limits count per client IP. In production the TLS proxy in front (docs/deployment.md) is the only peer, so
# the client is the last X-Forwarded-For entry; without this every person shares the proxy's IP and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Circular Cities"
# Facilitators and admins must set up MFA before they may use the platform.
REQUIRE_MFA_FOR_PRIVILEGED = env.bool("REQUIRE_MFA_FOR_PRIVILEGED", default=PRODUCTION)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# Sessions (accounts.sessions): logged out after this long without a request, and this long after logging in.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30) * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_HOURS", default=12) * 3600
# Last-seen times on the sessions page; recorded by accounts.sessions at most once a minute (allauth's own
# UserSessionsMiddleware would write on every request).
USERSESSIONS_TRACK_ACTIVITY = True
# Changing e-mail, password or MFA asks for the password again (allauth; MFA views always do).
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# --- Privacy (accounts.gdpr; the privacy page shows these values) --------------------------------------------
# Empty until the operator sets them: the privacy page and export then say which setting to configure.
PRIVACY_CONTROLLER_NAME = env.str("PRIVACY_CONTROLLER_NAME", default="")
PRIVACY_CONTROLLER_ADDRESS = env.str("PRIVACY_CONTROLLER_ADDRESS", default="")
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@circular-cities.local")
# Retention (accounts.tasks.apply_retention, daily): how many days to keep what is no longer needed.
RETENTION_INVITATION_DAYS = env.int("RETENTION_INVITATION_DAYS", default=90)  # after accepted/expired/revoked
RETENTION_READ_NOTIFICATION_DAYS = env.int("RETENTION_READ_NOTIFICATION_DAYS", default=90)
RETENTION_UNREAD_NOTIFICATION_DAYS = env.int("RETENTION_UNREAD_NOTIFICATION_DAYS", default=365)
RETENTION_REMINDER_LOG_DAYS = env.int("RETENTION_REMINDER_LOG_DAYS", default=180)  # sent or skipped reminders
RETENTION_DELETION_REQUEST_DAYS = env.int("RETENTION_DELETION_REQUEST_DAYS", default=365 * 3)  # once handled
RETENTION_ADMIN_LOG_DAYS = env.int("RETENTION_ADMIN_LOG_DAYS", default=365 * 2)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = not PRODUCTION  # development and tests serve straight from static/
# Private uploads: never under a public URL, served by views that check permission.
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------
# Seconds a mail server may take per step before the send fails (and is retried); without it a hung relay
# would hold a worker for ever and outlast REMINDER_SEND_LEASE_SECONDS.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cirkulære byer <noreply@circular-cities.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the <body> attribute, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Browser features the platform does not use, off for it and everything it embeds (Permissions-Policy header).
# Only features the browsers know: Chromium logs an error on every page for one it does not ("bluetooth"); the
# browser tests fail on such an error (tests/browser.py).
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation",
    "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")}
PERMISSIONS_POLICY["fullscreen"] = ["self"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# --- Monitoring -------------------------------------------------------------------------
# /health/?detail=1 (database, cache, broker and queue length, beat, worker heartbeat) answers a request that sends
# "Authorization: Bearer <HEALTH_TOKEN>", or a signed-in admin. Empty: admins only.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

# Error tracking (circular_cities/errortracking.py): Sentry or a self-hosted GlitchTip at SENTRY_DSN; off when unset.
# Reports carry no personal data (no IP, e-mail, form fields, cookies or local variables).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from circular_cities.errortracking import init as _init_error_tracking

    _init_error_tracking(SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"),
                         release=env.str("GIT_COMMIT", default="") or None,
                         traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0))

# Danish public bodies publish their accessibility statement on was.digst.dk; every page's footer links to it.
ACCESSIBILITY_STATEMENT_URL = env.str("ACCESSIBILITY_STATEMENT_URL", default="")

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "forbidden_without_traceback": {"()": "circular_cities.log.ForbiddenWithoutTraceback"},
        "cache_unavailable": {"()": "circular_cities.log.CacheUnavailable"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["forbidden_without_traceback"]},  # a 403 is one line, no traceback
        "django_redis": {"filters": ["cache_unavailable"]},  # Redis down: one warning per call, no traceback
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
