"""The one settings module. Every value a deployment may change comes from the
environment (see README "Configuration"); a bad value stops start-up with one line
naming the variable."""

import os
import tempfile
from pathlib import Path

import dj_database_url
import django_stubs_ext
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from aduan.lib.dburl import hosts_split
from aduan.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_numbers,
    env_rates,
    env_secret,
    env_str,
)
from aduan.lib.keys import data_key_check, secret_key_check

# Model fields are written with their types (models.TextField[str, str]), as the
# type checker reads them; at run time Django's classes need this to accept that.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ADUAN_VAR_DIR", str(BASE_DIR / "var")))

# "demo" is the zero-set-up mode of `make run`: secrets are generated and kept under
# var/, demo accounts may exist. "production" refuses to start without real secrets.
MODE = env_choice("ADUAN_MODE", "demo", ("demo", "production"))
DEMO_MODE = MODE == "demo"
_keep = VAR_DIR if DEMO_MODE else None


def _check_fernet_key(value: str) -> None:
    try:
        Fernet(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ValueError(
            "expected a Fernet key (32 bytes, url-safe base64); make one with "
            "`python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`"
        ) from None


def _check_data_key(value: str) -> None:
    _check_fernet_key(value)
    if not DEMO_MODE:
        data_key_check(value)


# Production refuses a short, repetitive or published key (aduan/lib/keys.py).
SECRET_KEY = env_secret(
    "SECRET_KEY",
    keep_in=_keep and _keep / "secret_key",
    validate=None if DEMO_MODE else secret_key_check,
)
# Encrypts reporters' personal data at rest (DESIGN.md §5).
DATA_KEY = env_secret(
    "ADUAN_DATA_KEY",
    keep_in=_keep and _keep / "data_key",
    generate=lambda: Fernet.generate_key().decode("ascii"),
    validate=_check_data_key,
)


def _previous_data_keys() -> list[str]:
    keys = env_list("ADUAN_DATA_KEY_PREVIOUS", [])
    for number, key in enumerate(keys, start=1):
        try:
            _check_fernet_key(key)
        except ValueError as error:
            raise ImproperlyConfigured(f"ADUAN_DATA_KEY_PREVIOUS: key {number}: {error}") from None
        if key == DATA_KEY:
            raise ImproperlyConfigured(
                f"ADUAN_DATA_KEY_PREVIOUS: key {number} is ADUAN_DATA_KEY itself; "
                "list only the keys being retired"
            )
    return keys


# Other data keys, comma-separated: read, never written. While a key is rotated
# (docs/keys.md), the retired one stays here until `rotate_data_key` has rewritten
# the data under ADUAN_DATA_KEY.
DATA_KEYS_PREVIOUS = _previous_data_keys()
# The retired secret keys: what they signed (sessions, signed links) still holds.
SECRET_KEY_FALLBACKS = env_list("ADUAN_SECRET_KEY_PREVIOUS", [])

DEBUG = env_bool("DEBUG", DEMO_MODE)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO_MODE else [])
# Where people reach the site: links in messages (e-mail, SMS) are built on it.
# Production defaults to https:// on the first allowed host.
SITE_URL = env_str(
    "ADUAN_SITE_URL",
    "http://127.0.0.1:8000" if DEMO_MODE or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}",
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"ADUAN_SITE_URL: expected http(s)://…, got {SITE_URL!r}")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The service's name as citizens see it in pages, e-mails and SMS; "aduan" is the
# software's name, not the service's.
SERVICE_NAME = env_str("ADUAN_SERVICE_NAME", "LAPOR!")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "aduan.core",
    "aduan.accounts",
    "aduan.regions",
    "aduan.agencies",
    "aduan.categories",
    "aduan.routing",
    "aduan.triage",
    "aduan.workdays",
    "aduan.reporters",
    "aduan.reports",
    "aduan.outbox",
    "aduan.intake",
    "aduan.channels.sms",
    "aduan.channels.email",
    "aduan.channels.x",
    "aduan.channels.whatsapp",
    "aduan.channels.telegram",
    "aduan.open311",
    "aduan.integrations",
    "aduan.community",
    "aduan.reference",
    "aduan.web",
    "aduan.backoffice",
    "aduan.stats",
    "aduan.demo",
]

MIDDLEWARE = [
    # First: every log line of the request, and the jobs it leaves, carry its id.
    "aduan.lib.requestid.RequestIdMiddleware",
    "aduan.core.metrics.RequestMetricsMiddleware",
    "aduan.lib.securityheaders.ProxyHttpsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "aduan.lib.securityheaders.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the second factor is known and messages can be left: staff sessions end.
    "aduan.backoffice.middleware.StaffSessionMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "aduan.urls"
WSGI_APPLICATION = "aduan.wsgi.application"

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
                "django.template.context_processors.csp",
                "aduan.web.context_processors.service",
            ],
        },
    },
]


def _database(url: str) -> dict[str, object]:
    try:
        single, hosts, ports = hosts_split(url)
        config: dict[str, object] = dict(dj_database_url.parse(single, conn_max_age=60))
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL: cannot use {url!r} ({error})") from None
    if hosts:
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_URL: several servers only with postgres://")
        # libpq tries them in turn (with target_session_attrs, the writable one).
        config["HOST"], config["PORT"] = hosts, ports
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the web process read while the worker writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # Tests use a file too, as production does: an in-memory database shared
        # between threads fails concurrent writers at once instead of queueing them.
        # One file per test process, so that test runs side by side do not collide.
        config["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"aduan-test-{os.getpid()}.db")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Short queries only: PostgreSQL's JIT compiler, set off by a poor estimate,
        # costs a list page tens of milliseconds and gains it nothing.
        # Server-side binding lets psycopg prepare a statement it has run a few times
        # on a connection: a report's page joins six tables, and planning that join
        # anew cost more than running it.
        options = config.get("OPTIONS")
        config["OPTIONS"] = {
            **(options if isinstance(options, dict) else {}),
            "options": "-c jit=off",
            "server_side_binding": True,
        }
        # One test database per test process, so that runs side by side never collide.
        config["TEST"] = {"NAME": f"test_aduan_{os.getpid()}"}
    else:
        raise ImproperlyConfigured("DATABASE_URL: only sqlite:// and postgres:// are supported")
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aduan.sqlite3'}")
if DATABASE_URL.startswith("sqlite:///") and ":memory:" not in DATABASE_URL:
    Path(DATABASE_URL.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "aduan" / "locale"]
# One way of writing a date per language (aduan/formats): "10 Des 2026", never "10 Des. 2026".
FORMAT_MODULE_PATH = ["aduan.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Where report files are kept: "filesystem" (MEDIA_ROOT, one node) or "database"
# (with the reports: every web node reads them, the standby and the backups have
# them; docs/decisions.md, "Attachments on several nodes").
_FILE_STORAGES = {
    "filesystem": "django.core.files.storage.FileSystemStorage",
    "database": "aduan.core.storage.DatabaseStorage",
}
FILE_STORAGE = env_choice("ADUAN_FILE_STORAGE", "filesystem", tuple(_FILE_STORAGES))
STORAGES = {
    "default": {"BACKEND": _FILE_STORAGES[FILE_STORAGE]},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# -- HTTPS and security headers (docs/security.md; aduan/lib/securityheaders.py) -------
# Production sends plain http:// to https:// and tells browsers to keep to HTTPS
# for a year; the demo serves plain http on loopback. The load balancer's probes
# may stay on plain http.
SECURE_SSL_REDIRECT = env_bool("ADUAN_SSL_REDIRECT", not DEMO_MODE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("ADUAN_HSTS_SECONDS", 0 if DEMO_MODE else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ADUAN_HSTS_INCLUDE_SUBDOMAINS", not DEMO_MODE)
SECURE_HSTS_PRELOAD = env_bool("ADUAN_HSTS_PRELOAD", not DEMO_MODE)
# The header by which the proxy in front says the visitor came over HTTPS
# ("X-Forwarded-Proto", or "X-Forwarded-Ssl: on"); believed from ADUAN_TRUSTED_PROXIES
# only.
_proxy_https = env_str("ADUAN_PROXY_SSL_HEADER")
_proxy_https_name, _colon, _proxy_https_value = _proxy_https.replace("=", ":").partition(":")
SECURE_PROXY_SSL_HEADER = (
    (
        "HTTP_" + _proxy_https_name.strip().upper().replace("-", "_"),
        _proxy_https_value.strip() or "https",
    )
    if _proxy_https
    else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script, style or handler anywhere; the admin's one <style> carries the
# nonce (the csp context processor).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page uses (the report form takes photos as files, and places
# by region, not by the phone's location).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

# The reference API's page size: a default that suits a picker, a cap that keeps one
# answer cheap.
API_PAGE_SIZE = env_int("ADUAN_API_PAGE_SIZE", 50, minimum=1)
API_MAX_PAGE_SIZE = env_int("ADUAN_API_MAX_PAGE_SIZE", 200, minimum=1)
# Days a citizen's API token works after it is issued (then they sign in again).
API_TOKEN_DAYS = env_int("ADUAN_API_TOKEN_DAYS", 90, minimum=1)
# A staff session (staff roles and superusers) ends after this many minutes without a
# request, and this many hours after its sign-in however busy; citizens' sessions
# last SESSION_COOKIE_AGE (two weeks). aduan/backoffice/middleware.py.
STAFF_IDLE_MINUTES = env_int("ADUAN_STAFF_IDLE_MINUTES", 30, minimum=1)
STAFF_SESSION_HOURS = env_int("ADUAN_STAFF_SESSION_HOURS", 12, minimum=1)
# May agencies' webhooks point at plain http:// and at addresses of this network
# (loopback, private ranges)? Only for the demo and tests: in production a webhook
# must be https:// on the public internet, or it could make the server call into
# its own network.
WEBHOOK_ALLOW_LOCAL = env_bool("ADUAN_WEBHOOK_ALLOW_LOCAL", DEMO_MODE)
# Days the access log (staff and agency-API reads of reports) is kept; the worker
# removes older rows. At least 30: a shorter log cannot answer a reporter's complaint.
ACCESS_LOG_DAYS = env_int("ADUAN_ACCESS_LOG_DAYS", 365, minimum=30)

_LOG_LEVELS = ("debug", "info", "warning", "error")
# Attachments: at most this many bytes each; images lose their metadata on upload.
# Seconds each process keeps reference data (categories, deadline policies, holidays,
# agencies) in memory: a change in the admin reaches every process within this time.
REFERENCE_TTL = env_int("ADUAN_REFERENCE_TTL", 60)
UPLOAD_MAX_BYTES = env_int("ADUAN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# ... and at most this many files with one report or one message.
UPLOAD_MAX_FILES = env_int("ADUAN_UPLOAD_MAX_FILES", 5, minimum=1)
# Django reads a whole request into memory up to this size: the files and the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

AUTHENTICATION_BACKENDS = [
    # Citizens sign in with a verified phone number or e-mail address...
    "aduan.accounts.backends.IdentityBackend",
    # ... staff with their username.
    "django.contrib.auth.backends.ModelBackend",
    # National admins manage reference data in the admin by their role alone.
    "aduan.backoffice.permissions.NationalAdminBackend",
]
# Authenticator apps list the staff account under this name.
OTP_TOTP_ISSUER = "aduan"

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# The cache holds the rate limits' counters. One process (the demo) can keep them in
# memory; several web processes must share them: CACHE_URL=redis://host:6379/0.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL: expected redis://…, got {CACHE_URL!r}")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aduan"}
}
if not CACHE_URL and not DEMO_MODE:
    raise ImproperlyConfigured(
        "CACHE_URL: production needs a cache shared by the web processes (redis://…)"
    )
# Django's own Redis cache increments atomically; a demo's single process may count
# in memory. (django-ratelimit only knows the third-party cache classes by name.)
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
RATELIMIT_VIEW = "aduan.web.views.rate_limited"
# -- who a request came from (aduan/lib/clientaddress.py, docs/proxies.md) -----------
# The client is the socket's address, unless the socket is one of these proxies of
# ours (addresses, CIDR networks; "unix" for a Unix socket): then the right-most
# address in the proxy's header that is not one of them. Without proxies listed,
# the header is never read.
TRUSTED_PROXIES = env_networks("ADUAN_TRUSTED_PROXIES", [], also=("unix",))
_client_header = env_str("ADUAN_CLIENT_IP_HEADER", "X-Forwarded-For").upper().replace("-", "_")
CLIENT_ADDRESS_HEADER = (
    _client_header if _client_header.startswith("HTTP_") else f"HTTP_{_client_header}"
)
RATELIMIT_IP_META_KEY = "aduan.lib.clientaddress.client_address_for_limits"
if not TRUSTED_PROXIES and env_str("ADUAN_CLIENT_IP_HEADER"):
    raise ImproperlyConfigured(
        "ADUAN_CLIENT_IP_HEADER: read only from a trusted proxy; set ADUAN_TRUSTED_PROXIES "
        "to the proxy's address"
    )
if not TRUSTED_PROXIES and SECURE_PROXY_SSL_HEADER:
    raise ImproperlyConfigured(
        "ADUAN_PROXY_SSL_HEADER: believed only from a trusted proxy; set "
        "ADUAN_TRUSTED_PROXIES to the proxy's address"
    )
# How often one IP address, and one account, may do each thing: "count/period" with
# period s, m, h or d. ADUAN_RATE_LIMITS="signup=3/h,comment=10/m" overrides some.
RATE_LIMITS = env_rates(
    "ADUAN_RATE_LIMITS",
    {
        "signup": "10/h",
        "login": "20/h",
        "code": "5/h",
        "report": "20/h",
        "comment": "30/h",
        "support": "120/h",
        # Every call of an agency's system, per key and per address.
        "agency": "6000/h",
        # SMS from one phone number (over it: one polite answer, then silence).
        "sms": "30/h",
        # Chat messages from one WhatsApp number or Telegram account (a report written
        # one question at a time takes half a dozen).
        "whatsapp": "60/h",
        "telegram": "60/h",
        # Mail from one address (over it: recorded, never answered).
        "email": "30/h",
        # Posts and direct messages from one X account (over it: recorded, never
        # answered).
        "x": "30/h",
        # Costly downloads per visitor: report cards as PDF, a year of open data.
        "download": "120/h",
        # Following reports by number beyond a public one or one's own: unknown
        # numbers, status-only answers, per-report links (web, API, Open311).
        "lookup": "300/h",
        # The portal's category suggestion as a citizen types (a request a pause).
        "suggest": "600/h",
    },
)
# -- sign-in throttling (aduan/accounts/throttle.py) ----------------------------------
# Failed sign-ins count per account (the phone number, e-mail address or username
# typed) and per client address, separately at each door: citizen log-in, staff
# log-in, the second-factor step, the API token. After the free failures each next
# try waits 1 s, 2 s, 4 s … up to the cap: short for an account (an attacker must not
# lock a citizen out), longer for an address. Failures are forgotten this many
# minutes after the last one; a success clears the account's.
SIGNIN_ACCOUNT_FREE_FAILURES = env_int("ADUAN_SIGNIN_ACCOUNT_FREE_FAILURES", 5, minimum=1)
SIGNIN_ACCOUNT_MAX_DELAY = env_int("ADUAN_SIGNIN_ACCOUNT_MAX_DELAY_SECONDS", 60, minimum=1)
SIGNIN_ADDRESS_FREE_FAILURES = env_int("ADUAN_SIGNIN_ADDRESS_FREE_FAILURES", 10, minimum=1)
SIGNIN_ADDRESS_MAX_DELAY = env_int("ADUAN_SIGNIN_ADDRESS_MAX_DELAY_SECONDS", 300, minimum=1)
SIGNIN_FORGET_MINUTES = env_int("ADUAN_SIGNIN_FORGET_MINUTES", 15, minimum=1)
if SIGNIN_ACCOUNT_MAX_DELAY > 15 * 60:
    raise ImproperlyConfigured(
        "ADUAN_SIGNIN_ACCOUNT_MAX_DELAY_SECONDS: at most 900, or guessing could lock a "
        f"citizen out; got {SIGNIN_ACCOUNT_MAX_DELAY}"
    )

# The responsiveness index (DESIGN.md §8; /statistik/metodologi publishes these):
# the weight of each share in the index, the lowest index of each category, and
# how many reports an agency needs in a period to be given an index and ranked.
STATS_INDEX_WEIGHTS = env_numbers(
    "ADUAN_STATS_INDEX_WEIGHTS",
    {"followed_up": 50, "first_on_time": 30, "completed_on_time": 10, "satisfied": 10},
)
STATS_INDEX_CATEGORIES = env_numbers(
    "ADUAN_STATS_INDEX_CATEGORIES",
    {"sangat_responsif": 90, "responsif": 75, "cukup_responsif": 50},
)
STATS_MIN_REPORTS = env_int("ADUAN_STATS_MIN_REPORTS", 10, minimum=1)
# How long a breakdown's sums (per month, category, channel, region …) are kept in
# the cache: a national page sums many roll-up rows, and its figures may be this
# many seconds behind the roll-ups (0: always summed afresh).
STATS_CACHE_SECONDS = env_int("ADUAN_STATS_CACHE_SECONDS", 60, minimum=0)
if not any(STATS_INDEX_WEIGHTS.values()):
    raise ImproperlyConfigured("ADUAN_STATS_INDEX_WEIGHTS: at least one weight must be above 0")

# Triage's suggestions (aduan/triage/; docs/triage.md): learned from at least this
# many verified reports (fewer: the routing table suggests alone), retrained by the
# worker when the active model is this many hours old and history came since (0:
# only `python -m aduan triage_train`); nothing shown below the confidence (in
# percent); the verification page's and the portal's suggestions each on or off;
# the automatic disposition off unless turned on, and then only above its own,
# higher confidence (percent).
TRIAGE_MIN_REPORTS = env_int("ADUAN_TRIAGE_MIN_REPORTS", 200, minimum=2)
TRIAGE_TRAIN_HOURS = env_int("ADUAN_TRIAGE_TRAIN_HOURS", 24)
# Training fits each class's machine in this many worker processes (a large history
# only; 1: in the training process itself). Two halve the time on two cores.
TRIAGE_TRAIN_PROCESSES = env_int("ADUAN_TRIAGE_TRAIN_PROCESSES", 2, minimum=1)
TRIAGE_SUGGEST = env_bool("ADUAN_TRIAGE_SUGGEST", True)
TRIAGE_SUGGEST_PORTAL = env_bool("ADUAN_TRIAGE_SUGGEST_PORTAL", True)
TRIAGE_AUTO_DISPOSE = env_bool("ADUAN_TRIAGE_AUTO_DISPOSE", False)
_min_confidence = env_int("ADUAN_TRIAGE_MIN_CONFIDENCE", 30)
_auto_confidence = env_int("ADUAN_TRIAGE_AUTO_DISPOSE_CONFIDENCE", 90)
for _name, _percent in (
    ("ADUAN_TRIAGE_MIN_CONFIDENCE", _min_confidence),
    ("ADUAN_TRIAGE_AUTO_DISPOSE_CONFIDENCE", _auto_confidence),
):
    if _percent > 100:
        raise ImproperlyConfigured(f"{_name}: a percentage, 0 to 100; got {_percent}")
TRIAGE_MIN_CONFIDENCE = _min_confidence / 100
TRIAGE_AUTO_DISPOSE_CONFIDENCE = _auto_confidence / 100

# Triage's duplicates and answer drafts (aduan/triage/duplicates.py, answers.py;
# docs/triage.md): the window around a report in which a duplicate is looked for
# (days before and after it), the lowest score (in percent) a candidate is shown
# with on the case page, whether the portal shows a citizen similar open reports
# before their report is sent and from which score, and whether officials are
# offered their agency's earlier answers as starting points.
TRIAGE_DUPLICATE_DAYS = env_int("ADUAN_TRIAGE_DUPLICATE_DAYS", 30, minimum=1)
TRIAGE_DUPLICATE_MIN_SCORE = env_int("ADUAN_TRIAGE_DUPLICATE_MIN_SCORE", 50)
TRIAGE_SIMILAR_BEFORE_SUBMIT = env_bool("ADUAN_TRIAGE_SIMILAR_BEFORE_SUBMIT", True)
TRIAGE_SIMILAR_MIN_SCORE = env_int("ADUAN_TRIAGE_SIMILAR_MIN_SCORE", 80)
TRIAGE_ANSWER_DRAFTS = env_bool("ADUAN_TRIAGE_ANSWER_DRAFTS", True)
for _name, _score in (
    ("ADUAN_TRIAGE_DUPLICATE_MIN_SCORE", TRIAGE_DUPLICATE_MIN_SCORE),
    ("ADUAN_TRIAGE_SIMILAR_MIN_SCORE", TRIAGE_SIMILAR_MIN_SCORE),
):
    if _score > 100:
        raise ImproperlyConfigured(f"{_name}: a percentage, 0 to 100; got {_score}")

# The worker (python -m aduan worker): a job a worker claimed and did not finish
# (it was killed) is another worker's after this many seconds.
WORKER_LEASE_SECONDS = env_int("ADUAN_WORKER_LEASE_SECONDS", 300, minimum=1)
# Messages a worker hands to the gateways at once (to different recipients; one
# recipient's messages leave in order): gateways are slow to answer, not busy.
OUTBOX_SEND_THREADS = env_int("ADUAN_OUTBOX_SEND_THREADS", 8, minimum=1)
# A worker whose heartbeat (every 5 s, between jobs) is older than this is taken for
# dead by /readyz, /metrics and the "no worker" alert (aduan/core/beats.py).
WORKER_STALE_SECONDS = env_int("ADUAN_WORKER_STALE_SECONDS", 120, minimum=10)

# -- observability (docs/operations.md) -------------------------------------------
# /metrics (Prometheus text format) answers a request bearing this token
# ("Authorization: Bearer …") or coming from these addresses (in demo mode, loopback);
# anyone else gets 404. With PROMETHEUS_MULTIPROC_DIR set (granian with several
# workers), every process's counters are added up (aduan/core/metrics.py).
METRICS_TOKEN = env_str("ADUAN_METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_networks(
    "ADUAN_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"] if DEMO_MODE else []
)

# SMS 1708 through Kannel (docs/sms-kannel.md). Kannel passes the shared secret
# with every inbound SMS and delivery report; requests from the allowed addresses
# need none (in demo mode, loopback is allowed).
SMS_SHORTCODE = env_str("ADUAN_SMS_SHORTCODE", "1708")
SMS_SECRET = env_str("ADUAN_SMS_SECRET")
SMS_ALLOWED_IPS = env_networks("ADUAN_SMS_ALLOWED_IPS", ["127.0.0.1", "::1"] if DEMO_MODE else [])
KANNEL_SENDSMS_URL = env_str("ADUAN_KANNEL_SENDSMS_URL")
KANNEL_USERNAME = env_str("ADUAN_KANNEL_USERNAME")
KANNEL_PASSWORD = env_str("ADUAN_KANNEL_PASSWORD")
if KANNEL_SENDSMS_URL and not KANNEL_SENDSMS_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"ADUAN_KANNEL_SENDSMS_URL: expected http(s)://…, got {KANNEL_SENDSMS_URL!r}"
    )

# -- e-mail (aduan/channels/email) -----------------------------------------------------
# Mail in arrives through our SMTP server (python -m aduan smtpd) behind the MX, or
# by polling a mailbox hosted elsewhere (python -m aduan poll_imap); mail out leaves
# by SMTP when ADUAN_SMTP_HOST is set (docs/email.md).
EMAIL_FROM = env_str("ADUAN_EMAIL_FROM", f"{SERVICE_NAME} <lapor@localhost>")
SMTP_HOST = env_str("ADUAN_SMTP_HOST")
SMTP_PORT = env_int("ADUAN_SMTP_PORT", 587, minimum=1)
SMTP_USER = env_str("ADUAN_SMTP_USER")
SMTP_PASSWORD = env_str("ADUAN_SMTP_PASSWORD")
# "starttls" (port 587), "ssl" (implicit TLS, port 465) or "none" (a local relay).
SMTP_TLS = env_choice("ADUAN_SMTP_TLS", "starttls", ("starttls", "ssl", "none"))
SMTP_TIMEOUT_SECONDS = env_int("ADUAN_SMTP_TIMEOUT_SECONDS", 30, minimum=1)
SMTPD_HOST = env_str("ADUAN_SMTPD_HOST", "127.0.0.1")
SMTPD_PORT = env_int("ADUAN_SMTPD_PORT", 8025, minimum=1)
# The largest mail our SMTP server accepts (attachments are limited again on intake).
SMTPD_MAX_BYTES = env_int("ADUAN_SMTPD_MAX_BYTES", 30 * 1024 * 1024, minimum=1024)
IMAP_HOST = env_str("ADUAN_IMAP_HOST")
IMAP_PORT = env_int("ADUAN_IMAP_PORT", 993, minimum=1)
IMAP_USER = env_str("ADUAN_IMAP_USER")
IMAP_PASSWORD = env_str("ADUAN_IMAP_PASSWORD")
IMAP_FOLDER = env_str("ADUAN_IMAP_FOLDER", "INBOX")
IMAP_SSL = env_bool("ADUAN_IMAP_SSL", True)
# A mail continues a report only when its sender is proven (DESIGN.md §5): the
# authserv-id(s) of the Authentication-Results header our own mail server (or the
# mailbox's provider) adds; every other such header is ignored (docs/email.md).
EMAIL_AUTHSERV_IDS = env_list("ADUAN_EMAIL_AUTHSERV_ID", [])
# Demo only (our smtpd as the MX adds no header): mail without a verdict counts as
# proven. Production never trusts an unproven sender.
EMAIL_TRUST_UNAUTHENTICATED = env_bool("ADUAN_EMAIL_TRUST_UNAUTHENTICATED", False)
if EMAIL_TRUST_UNAUTHENTICATED and not DEMO_MODE:
    raise ImproperlyConfigured(
        "ADUAN_EMAIL_TRUST_UNAUTHENTICATED: demo mode only; in production set "
        "ADUAN_EMAIL_AUTHSERV_ID to your mail server's authserv-id"
    )

# -- X (aduan/channels/x) --------------------------------------------------------------

# X @lapor1708 (docs/x.md). The consumer secret checks the Account Activity
# webhook's CRC and signatures; the bearer token (app-only) reads the mentions
# timeline; the user token (OAuth 2.0, of the service account; obtaining and
# refreshing it is outside aduan) posts the replies and direct messages.
X_API_URL = env_str("ADUAN_X_API_URL", "https://api.x.com")
X_CONSUMER_SECRET = env_str("ADUAN_X_CONSUMER_SECRET")
X_BEARER_TOKEN = env_str("ADUAN_X_BEARER_TOKEN")
X_USER_TOKEN = env_str("ADUAN_X_USER_TOKEN")
X_ACCOUNT_ID = env_str("ADUAN_X_ACCOUNT_ID")
X_ACCOUNT_HANDLE = env_str("ADUAN_X_ACCOUNT_HANDLE", "lapor1708").removeprefix("@").lower()
# Where photos attached to posts may be downloaded from (nowhere else).
X_MEDIA_HOSTS = env_list("ADUAN_X_MEDIA_HOSTS", ["pbs.twimg.com"])
X_POLL_SECONDS = env_int("ADUAN_X_POLL_SECONDS", 60, minimum=15)
if not X_API_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"ADUAN_X_API_URL: expected http(s)://…, got {X_API_URL!r}")

# A report written one question at a time on a chat channel (WhatsApp, Telegram) is
# reminded once after this long idle, and closed after this long: filed with what it
# has when it says what happened, else dropped (aduan/intake/conversation.py).
CONVERSATION_REMIND_AFTER_MINUTES = env_int(
    "ADUAN_CONVERSATION_REMIND_AFTER_MINUTES", 60, minimum=1
)
CONVERSATION_CLOSE_AFTER_MINUTES = env_int(
    "ADUAN_CONVERSATION_CLOSE_AFTER_MINUTES", 24 * 60, minimum=2
)

# -- WhatsApp (aduan/channels/whatsapp) ------------------------------------------------

# The WhatsApp Business Platform's Cloud API (docs/whatsapp.md). The verify token
# answers Meta's subscription check of the webhook; the app secret checks every
# POST's X-Hub-Signature-256; the access token (a system user's) sends messages and
# fetches media from the phone number's id.
WHATSAPP_API_URL = env_str("ADUAN_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
WHATSAPP_ACCESS_TOKEN = env_str("ADUAN_WHATSAPP_ACCESS_TOKEN")
WHATSAPP_PHONE_NUMBER_ID = env_str("ADUAN_WHATSAPP_PHONE_NUMBER_ID")
# The number as citizens are told of it ("+62 811-1708-1708"), on the home page.
WHATSAPP_NUMBER = env_str("ADUAN_WHATSAPP_NUMBER")
WHATSAPP_APP_SECRET = env_str(
    "ADUAN_WHATSAPP_APP_SECRET", "demo-whatsapp-secret" if DEMO_MODE else ""
)
WHATSAPP_VERIFY_TOKEN = env_str(
    "ADUAN_WHATSAPP_VERIFY_TOKEN", "demo-whatsapp-token" if DEMO_MODE else ""
)
# The approved template that carries a notice outside the 24-hour customer-service
# window (one body parameter: the notice's text), and the languages it was
# approved in (Meta's codes); a reporter's language not among them gets the first.
WHATSAPP_TEMPLATE = env_str("ADUAN_WHATSAPP_TEMPLATE", "aduan_kabar_laporan")
WHATSAPP_TEMPLATE_LANGUAGES = env_list("ADUAN_WHATSAPP_TEMPLATE_LANGUAGES", ["id", "en"])
# Where media may be downloaded from (nowhere else): the Graph API hands out URLs there.
WHATSAPP_MEDIA_HOSTS = env_list("ADUAN_WHATSAPP_MEDIA_HOSTS", ["lookaside.fbsbx.com"])
if not WHATSAPP_API_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"ADUAN_WHATSAPP_API_URL: expected http(s)://…, got {WHATSAPP_API_URL!r}"
    )

# -- Telegram (aduan/channels/telegram) ------------------------------------------------

# A Telegram bot (docs/telegram.md): the token from @BotFather; the secret token
# Telegram sends back in X-Telegram-Bot-Api-Secret-Token on every webhook call
# (set with setWebhook); the bot's username, for the links citizens are given.
TELEGRAM_API_URL = env_str("ADUAN_TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_BOT_TOKEN = env_str("ADUAN_TELEGRAM_BOT_TOKEN")
TELEGRAM_SECRET_TOKEN = env_str(
    "ADUAN_TELEGRAM_SECRET_TOKEN", "demo-telegram-secret" if DEMO_MODE else ""
)
TELEGRAM_BOT_USERNAME = env_str("ADUAN_TELEGRAM_BOT_USERNAME", "lapor1708bot").removeprefix("@")
# poll_telegram's long poll (getUpdates' timeout), where no webhook can be used.
TELEGRAM_POLL_SECONDS = env_int("ADUAN_TELEGRAM_POLL_SECONDS", 30, minimum=0)
if not TELEGRAM_API_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"ADUAN_TELEGRAM_API_URL: expected http(s)://…, got {TELEGRAM_API_URL!r}"
    )

# The doors citizens may report through, advertised on the home page and the report
# form (aduan/intake/selectors.py channels_enabled): by default the web, the apps and
# the counter, and SMS, e-mail, X, WhatsApp and Telegram when their gateway is
# configured (always in demo).
_REPORT_CHANNELS = ("web", "app", "sms", "email", "x", "whatsapp", "telegram", "counter")
REPORT_CHANNELS = env_list(
    "ADUAN_REPORT_CHANNELS",
    [
        channel
        for channel, on in (
            ("web", True),
            ("app", True),
            ("sms", DEMO_MODE or bool(KANNEL_SENDSMS_URL)),
            ("email", DEMO_MODE or bool(SMTP_HOST or IMAP_HOST)),
            ("x", DEMO_MODE or bool(X_BEARER_TOKEN or X_USER_TOKEN)),
            ("whatsapp", DEMO_MODE or bool(WHATSAPP_ACCESS_TOKEN)),
            ("telegram", DEMO_MODE or bool(TELEGRAM_BOT_TOKEN)),
            ("counter", True),
        )
        if on
    ],
)
if unknown_channels := set(REPORT_CHANNELS) - set(_REPORT_CHANNELS):
    raise ImproperlyConfigured(
        f"ADUAN_REPORT_CHANNELS: unknown {', '.join(sorted(unknown_channels))}; "
        f"expected some of {', '.join(_REPORT_CHANNELS)}"
    )

# The outbox's transport for each channel (dotted path of a class). The console
# transport writes messages to the log instead of sending them (development, demo).
_CONSOLE_TRANSPORT = "aduan.outbox.transports.ConsoleTransport"
OUTBOX_TRANSPORTS = dict.fromkeys(("sms", "email", "x", "whatsapp", "telegram"), _CONSOLE_TRANSPORT)
# Staff's in-app notices: the outbox row is the notice, read in the back office.
OUTBOX_TRANSPORTS["web"] = "aduan.outbox.transports.InAppTransport"
if KANNEL_SENDSMS_URL:
    OUTBOX_TRANSPORTS["sms"] = "aduan.channels.sms.transport.KannelTransport"
if X_USER_TOKEN:
    OUTBOX_TRANSPORTS["x"] = "aduan.channels.x.transport.XTransport"
if WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID:
    OUTBOX_TRANSPORTS["whatsapp"] = "aduan.channels.whatsapp.transport.WhatsAppTransport"
if TELEGRAM_BOT_TOKEN:
    OUTBOX_TRANSPORTS["telegram"] = "aduan.channels.telegram.transport.TelegramTransport"
if SMTP_HOST:
    OUTBOX_TRANSPORTS["email"] = "aduan.channels.email.transport.EmailTransport"

# "json": one JSON object a line (for journald or a log collector), "plain" for a
# person at a terminal. Both carry the request id (aduan/lib/requestid.py).
LOG_FORMAT = env_choice("ADUAN_LOG_FORMAT", "plain" if DEMO_MODE else "json", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "aduan.lib.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "info", _LOG_LEVELS).upper(),
    },
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint tells each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pikepdf (cleaning PDFs) greets every process at INFO.
        "pikepdf": {"level": "WARNING"},
    },
}
