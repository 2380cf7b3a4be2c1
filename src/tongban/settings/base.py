"""Settings shared by every profile, read from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TONGBAN_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_from_env_or_file(env_name: str, file_name: str, length: int = 64) -> str:
    """Read a secret from the environment, else from ``var/``, creating it on first run.

    Generated secrets stay on this machine; production sets the variables instead.
    """
    value = os.environ.get(env_name)
    if value:
        return value
    path = VAR_DIR / file_name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = secret_from_env_or_file("TONGBAN_SECRET_KEY", "secret_key")
# A separate key so that rotating the session secret does not make stored ID numbers
# unreadable, and so that the audit chain cannot be recomputed from database access alone.
FIELD_ENCRYPTION_KEY = secret_from_env_or_file("TONGBAN_FIELD_KEY", "field_key")
AUDIT_CHAIN_KEY = secret_from_env_or_file("TONGBAN_AUDIT_KEY", "audit_key")

DEBUG = env_bool("TONGBAN_DEBUG", False)
ALLOWED_HOSTS = env_list("TONGBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("TONGBAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs page from local static files, not a CDN
    "tongban.core",
    "tongban.org",
    "tongban.catalog",
    "tongban.workdays",
    "tongban.training",
    "tongban.cases",
    "tongban.naming",
    "tongban.bundles",
    "tongban.projects",
    "tongban.archive",
    "tongban.sharing",
    "tongban.rules",
    "tongban.certificates",
    "tongban.credit",
    "tongban.instant",
    "tongban.supervision",
    "tongban.violations",
    "tongban.api",
    "tongban.portal",
    "tongban.workbench",
    "tongban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tongban.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.workdays.context_processors.unpublished",
            ],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("TONGBAN_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
        # when a transaction begins, so two writers queue instead of failing mid-way.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        }
    else:
        # A kept connection is checked before each request, without a round trip.
        config["ENGINE"] = "tongban.core.postgresql"
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["tongban.org.authentication.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:after-login"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout: this many failures within the window lock the account for the window.
TONGBAN_LOCKOUT_FAILURES = int(os.environ.get("TONGBAN_LOCKOUT_FAILURES", "5"))
TONGBAN_LOCKOUT_MINUTES = int(os.environ.get("TONGBAN_LOCKOUT_MINUTES", "15"))

# Cases: the largest material file accepted, and how many working days before a deadline
# the yellow and red warnings start.
TONGBAN_MAX_UPLOAD_MB = int(os.environ.get("TONGBAN_MAX_UPLOAD_MB", "20"))
TONGBAN_WARNING_DAYS = tuple(
    int(n) for n in os.environ.get("TONGBAN_WARNING_DAYS", "2,1").split(",")
)[:2]

SESSION_ENGINE = "tongban.org.sessions"  # the database engine, with a cheaper read
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("TONGBAN_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "tongban_language"
TIME_ZONE = os.environ.get("TONGBAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "tongban.core.task_backend.DatabaseBackend",
        "QUEUES": ["default", "notifications"],
    }
}

# Outside systems: which adapter serves each port (see tongban.core.adapters).
TONGBAN_ADAPTERS = {
    "sms": os.environ.get("TONGBAN_SMS_ADAPTER", "console"),
    "email": os.environ.get("TONGBAN_EMAIL_ADAPTER", "console"),
}

# A TrueType CJK font embedded in generated PDFs (CFF-outline OpenType fonts such as
# Noto CJK do not embed with reportlab). Debian: apt-get install fonts-wqy-microhei.
TONGBAN_CJK_FONT = os.environ.get("TONGBAN_CJK_FONT", "")
TONGBAN_CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
]

# The bureau's signing key and certificate for e-certificates (a PKCS#12 file). Empty: a
# development key is generated under VAR_DIR on first use (never for production).
TONGBAN_SIGNING_PKCS12 = os.environ.get("TONGBAN_SIGNING_PKCS12", "")
TONGBAN_SIGNING_PASSWORD = os.environ.get("TONGBAN_SIGNING_PASSWORD", "")
# Where the public pages are reached from outside: the QR code on a certificate links here.
TONGBAN_PUBLIC_URL = os.environ.get("TONGBAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Credit (信用审批): the city credit database the hourly ``credit.sync`` task imports from
# ("file": a CSV/JSON file the city drops at TONGBAN_CREDIT_FILE; "http": GET
# TONGBAN_CREDIT_URL?since=…); unset: records come only from uploads and the platform.
TONGBAN_CREDIT_DATABASE = {
    "adapter": os.environ.get("TONGBAN_CREDIT_ADAPTER", ""),
    "path": os.environ.get("TONGBAN_CREDIT_FILE", ""),
    "base_url": os.environ.get("TONGBAN_CREDIT_URL", ""),
    "timeout": float(os.environ.get("TONGBAN_CREDIT_TIMEOUT", "10")),
}
# Years without an adverse record that put an applicant on the fast track.
TONGBAN_CREDIT_CLEAN_YEARS = int(os.environ.get("TONGBAN_CREDIT_CLEAN_YEARS", "3"))
# 审管互动: working days a supervising department has to claim a pushed result, and the
# bureau to decide on a violation notice (告知函).
TONGBAN_SUPERVISION_CLAIM_DAYS = int(os.environ.get("TONGBAN_SUPERVISION_CLAIM_DAYS", "3"))
TONGBAN_VIOLATION_DECISION_DAYS = int(os.environ.get("TONGBAN_VIOLATION_DECISION_DAYS", "10"))

NINJA_PAGINATION_PER_PAGE = 20
NINJA_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "tongban.core.context.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TONGBAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
