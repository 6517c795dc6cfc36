"""The one settings module. Every value comes from the environment (see ``.env.example``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/craftpath
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value == "" else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where local state lives (SQLite file, development keys). Never committed.
VAR_DIR = Path(env_str("CRAFTPATH_VAR_DIR", str(PROJECT_DIR / "var")))

ENVIRONMENT = env_str("CRAFTPATH_ENV", "development")  # development | test | production
DEBUG = env_bool("CRAFTPATH_DEBUG", ENVIRONMENT == "development")


def _development_secret(name: str) -> str:
    """In development a random secret is created once under var/; production must set it."""
    if ENVIRONMENT == "production":
        return ""
    path = VAR_DIR / "secrets" / name
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("CRAFTPATH_SECRET_KEY") or _development_secret("secret_key")
# Key for encrypting personal data at rest (AES-256-GCM) and for keyed look-up hashes.
# Comma-separated: the first key encrypts, all keys decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list("CRAFTPATH_FIELD_KEYS") or [_development_secret("field_key")]

ALLOWED_HOSTS = env_list("CRAFTPATH_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CRAFTPATH_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' JavaScript locally instead of from a CDN
    "craftpath.core",
    "craftpath.site",
    "craftpath.accounts",
    "craftpath.orgs",
    "craftpath.taxonomy",
    "craftpath.registry",
    "craftpath.ladders",
    "craftpath.training",
    "craftpath.credentials",
    "craftpath.assessment",
    "craftpath.jobs",
    "craftpath.competitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "craftpath.core.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "craftpath.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "craftpath.site.urls"
WSGI_APPLICATION = "craftpath.site.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'craftpath.sqlite3'}",
        conn_max_age=env_int("CRAFTPATH_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while an import writes; a busy timeout instead of "locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too, not Django's shared-cache in-memory database: that one takes table locks which
    # fail at once ("database table is locked") instead of waiting, unlike the file the server runs on.
    # One file per test process, so two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"craftpath-test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # One test database per test process, so two runs against one server do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["craftpath.accounts.backends.LockoutModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in protection (等保 2.0 level 3 expects lockout and idle timeout).
LOCKOUT_THRESHOLD = env_int("CRAFTPATH_LOCKOUT_THRESHOLD", 5)
LOCKOUT_MINUTES = env_int("CRAFTPATH_LOCKOUT_MINUTES", 15)
IDLE_TIMEOUT_SECONDS = env_int("CRAFTPATH_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = env_int("CRAFTPATH_SESSION_MAX_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("CRAFTPATH_SECURE_COOKIES", ENVIRONMENT == "production")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("CRAFTPATH_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("CRAFTPATH_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# The address certificates point verifiers to (status lists); must be the public site in production.
CRAFTPATH_PUBLIC_URL = env_str("CRAFTPATH_PUBLIC_URL", "http://127.0.0.1:8000")

# Uploads: imports stream from disk; refuse anything larger than this.
IMPORT_MAX_BYTES = env_int("CRAFTPATH_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Where this federation is reached from outside: status list URLs inside signed certificates.
CRAFTPATH_PUBLIC_URL = env_str("CRAFTPATH_PUBLIC_URL", "http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CRAFTPATH_LOG_LEVEL", "WARNING")},
}
