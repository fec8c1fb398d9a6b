"""Settings of the portal, read from the environment with defaults that make a bare checkout work.

| variable            | default                                   |
|---------------------|-------------------------------------------|
| DATABASE_URL        | SQLite file var/kejiju.sqlite3            |
| CELERY_BROKER_URL   | unset: tasks run eagerly, in-process      |
| DJANGO_DEBUG        | off (``make run`` turns it on)            |
| DJANGO_SECRET_KEY   | generated once into var/secret_key        |
| MEDIA_ROOT          | var/media                                 |
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("KEJIJU_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _local_secret_key() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kejiju",
    "kejiju.admin_site.PortalAdminConfig",  # django.contrib.admin, entered by role
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kejiju.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "captcha",
    "simple_history",
    "import_export",
    "django_filters",
    "enterprises",
    "experts",
    "patents",
    "projects",
    "seismic",
    "reports",
    "projects.screening",
    # After the django-otp plugins: its admin module takes their device pages out of the admin.
    "kejiju.accounts",
    "kejiju.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too: every response has it.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Messages before the three below: each tells the user why they were sent elsewhere.
    "django.contrib.messages.middleware.MessageMiddleware",
    "kejiju.middleware.IdleTimeoutMiddleware",
    # The second factor before the password's age: verification first, then the change.
    "kejiju.accounts.middleware.SecondFactorMiddleware",
    "kejiju.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kejiju.urls"
WSGI_APPLICATION = "kejiju.wsgi.application"

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
                "kejiju.context_processors.portal",
                "kejiju.notifications.context_processors.notifications",
            ],
            # one way to show numbers, money, changes, dates and ranges (kejiju.formatting)
            "builtins": [
                "kejiju.templatetags.kejiju_format",
                "kejiju.templatetags.kejiju_tags",  # query_with, sort_header, page_numbers
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kejiju.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    # A kept connection is checked before a request uses it: after a database restart the first
    # request opens a new one instead of failing on the dead one.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: readers do not wait for a writer, and a commit costs one disk sync instead
    # of several (synchronous=NORMAL is safe in WAL mode; a power cut loses at most the last commit).
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    # One writer at a time: a request waits up to 20 s for the write lock instead of failing with
    # "database is locked", and a transaction takes that lock when it begins (BEGIN IMMEDIATE), so
    # one that reads before it writes cannot find its snapshot outdated by another's commit and
    # fail at once whatever the timeout. tests/test_sqlite_concurrency.py holds this to 20 clients.
    sqlite_options.setdefault("timeout", 20)
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "kejiju.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password policy. Complexity and rotation are for 等保 assessments and off by default.
PASSWORD_MIN_LENGTH = env.int("KEJIJU_PASSWORD_MIN_LENGTH", default=10)
PASSWORD_REQUIRE_COMPLEXITY = env.bool("KEJIJU_PASSWORD_COMPLEXITY", default=False)
PASSWORD_MAX_AGE_DAYS = env.int("KEJIJU_PASSWORD_MAX_AGE_DAYS", default=0)  # 0: no rotation
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "kejiju.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if PASSWORD_REQUIRE_COMPLEXITY:
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "kejiju.validators.ComplexityValidator"})

# Lockout: 5 failures per username + address, then locked for the cool-off.
AXES_FAILURE_LIMIT = env.int("KEJIJU_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("KEJIJU_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Renders the template above with the cool-off in minutes (axes would pass "PT30M").
AXES_LOCKOUT_CALLABLE = "kejiju.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# The audit log (kejiju.AuditEvent, auditor only) is the record of logins; axes keeps only the
# failed attempts it needs for the lockout, which administrators may clear to unlock an account.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# One notion of "the client's address" for axes and the audit log. Behind nginx set
# KEJIJU_TRUSTED_PROXIES=1 so the address comes from X-Forwarded-For, not from nginx itself.
KEJIJU_TRUSTED_PROXIES = env.int("KEJIJU_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "kejiju.audit.client_ip"
# Audit events are kept at least this many days (等保: no fewer than 180, which the database also
# enforces); `manage.py archive_audit_log` moves older ones to an archive file.
AUDIT_LOG_RETENTION_DAYS = env.int("KEJIJU_AUDIT_RETENTION_DAYS", default=365)

# Idle timeout: a session unused for this long ends.
SESSION_IDLE_TIMEOUT = env.int("KEJIJU_SESSION_IDLE_MINUTES", default=30) * 60
# The stored session outlives the idle limit so that IdleTimeoutMiddleware still finds it, ends it
# with a message and writes the audit event (a session that simply vanished would do neither).
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 8 * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kejiju.views.csrf_failure"

# Content-Security-Policy (django-csp) on every response. Scripts come only from the portal's
# own static files: no inline <script> and no on…= handlers (static/js/kejiju.js reads data-*
# attributes instead); a script that must stay inline carries nonce="{{ request.csp_nonce }}",
# and the nonce appears in the header only on a page that used it. Style sheets come only from
# the portal too (<style> elements are refused; htmx is told not to insert its own), but style
# *attributes* are allowed: ECharts writes its tooltips as HTML with style attributes, and the
# progress bars' widths are data. tests/test_csp.py holds the policy to this.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files served at the site root, such as /favicon.ico (browsers ask for it on every site)
WHITENOISE_ROOT = BASE_DIR / "static_root"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
KEJIJU_MAX_UPLOAD_BYTES = env.int("KEJIJU_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# Celery: eager in-process when no broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

KEJIJU_PORTAL_NAME = env.str("KEJIJU_PORTAL_NAME", default="瑞安市科学技术局业务平台")
KEJIJU_BUREAU_NAME = env.str("KEJIJU_BUREAU_NAME", default="瑞安市科学技术局")
# A change from a previous value below this is shown as the two values, not as a percentage
KEJIJU_CHANGE_MIN_BASE = env.int("KEJIJU_CHANGE_MIN_BASE", default=10)
# The footer of every page: 主办单位, contact and the ICP filing number (备案号)
KEJIJU_SPONSOR = env.str("KEJIJU_SPONSOR", default=KEJIJU_BUREAU_NAME)
KEJIJU_CONTACT = env.str("KEJIJU_CONTACT", default="0577-65812345")
KEJIJU_ICP_NUMBER = env.str("KEJIJU_ICP_NUMBER", default="浙ICP备00000000号")
KEJIJU_ICP_URL = env.str("KEJIJU_ICP_URL", default="https://beian.miit.gov.cn/")
# The one label of an empty choice, in forms and list filters alike
KEJIJU_EMPTY_CHOICE_LABEL = "请选择"
FILTERS_EMPTY_CHOICE_LABEL = "全部"

# Password spraying (one address, one password, many user names): the lockout above counts per
# user name + address and never sees it, so failures are also counted per address across user
# names (from the audit log, kejiju.accounts.limits). From this many failures within the window
# every login from that address needs the picture captcha (图形验证码, django-simple-captcha) —
# a captcha, not a lockout, so an office behind one NAT address keeps working, and the accounts
# keep logging in from other addresses. 0: the captcha always.
KEJIJU_CAPTCHA_AFTER_FAILURES = env.int("KEJIJU_CAPTCHA_AFTER_FAILURES", default=20)
KEJIJU_CAPTCHA_WINDOW_MINUTES = env.int("KEJIJU_CAPTCHA_WINDOW_MINUTES", default=15)
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5  # minutes a picture stays answerable
CAPTCHA_FONT_SIZE = 32
CAPTCHA_IMAGE_SIZE = (120, 44)
CAPTCHA_2X_IMAGE = False
# Enterprise registrations per address and hour; 忘记密码 requests per address and hour, and
# reset mails per account and hour (beyond it the answer is the same, no mail goes out); how
# long a reset link works.
KEJIJU_REGISTRATION_PER_HOUR = env.int("KEJIJU_REGISTRATION_PER_HOUR", default=5)
KEJIJU_PASSWORD_RESET_PER_HOUR = env.int("KEJIJU_PASSWORD_RESET_PER_HOUR", default=10)
KEJIJU_PASSWORD_RESET_PER_ACCOUNT = env.int("KEJIJU_PASSWORD_RESET_PER_ACCOUNT", default=3)
KEJIJU_PASSWORD_RESET_LINK_MINUTES = env.int("KEJIJU_PASSWORD_RESET_LINK_MINUTES", default=60)

# The second factor (等保 三级): a TOTP authenticator app plus one-time backup codes
# (django-otp), required for these roles (values of kejiju.choices.Role; a value the portal does
# not know is ignored), offered to everyone, and then required for whoever enrolled.
KEJIJU_OTP_REQUIRED_ROLES = env.list(
    "KEJIJU_OTP_REQUIRED_ROLES", default=["admin", "security_admin", "auditor"]
)
KEJIJU_OTP_BACKUP_CODES = 10
OTP_TOTP_ISSUER = env.str("KEJIJU_OTP_ISSUER", default=KEJIJU_BUREAU_NAME)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
CELERY_TASK_PUBLISH_RETRY = False

# Earthquake-safety work: a plan not drilled for this many years is flagged; monthly observation
# reports are due by this day of the following month.
# 查重: pairs whose name or summary similarity (pg_trgm's trigram similarity, 0–1) reaches this are
# listed to staff at submission and at formal review.
KEJIJU_DUPLICATE_THRESHOLD = env.float("KEJIJU_DUPLICATE_THRESHOLD", default=0.5)
KEJIJU_DUPLICATE_YEARS = env.int("KEJIJU_DUPLICATE_YEARS", default=3)
KEJIJU_DUPLICATE_MIN_SUMMARY = env.int("KEJIJU_DUPLICATE_MIN_SUMMARY", default=20)
SEISMIC_DRILL_INTERVAL_YEARS = env.int("KEJIJU_SEISMIC_DRILL_INTERVAL_YEARS", default=3)
SEISMIC_REPORT_DUE_DAY = env.int("KEJIJU_SEISMIC_REPORT_DUE_DAY", default=5)

# Sections whose staff manage the expert pool and see experts' phone numbers and e-mail.
EXPERT_POOL_SECTIONS = env.list("KEJIJU_EXPERT_POOL_SECTIONS", default=["office", "high_tech"])

# Projects (DOMAIN.md §7): the public notice of a proposed list runs this many working days; a
# grant at or above the threshold (万元) needs a financial audit before acceptance.
PROJECT_NOTICE_WORKING_DAYS = env.int("KEJIJU_PROJECT_NOTICE_WORKING_DAYS", default=5)
PROJECT_AUDIT_THRESHOLD = env.str("KEJIJU_PROJECT_AUDIT_THRESHOLD", default="50")
# Notifications to enterprises; the console backend prints them unless a mail server is configured.
EMAIL_BACKEND = env.str(
    "KEJIJU_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("KEJIJU_DEFAULT_FROM_EMAIL", default="kejiju@localhost")

# Notifications (kejiju.notifications): SMS through a gateway backend, a dotted path. The default
# writes each message to the log; kejiju.notifications.sms.HTTPBackend posts JSON to
# KEJIJU_SMS_URL with the bearer KEJIJU_SMS_KEY. A failed SMS is retried by later runs.
KEJIJU_SMS_BACKEND = env.str("KEJIJU_SMS_BACKEND", default="kejiju.notifications.sms.LogBackend")
KEJIJU_SMS_URL = env.str("KEJIJU_SMS_URL", default="")
KEJIJU_SMS_KEY = env.str("KEJIJU_SMS_KEY", default="")
KEJIJU_SMS_TIMEOUT = env.float("KEJIJU_SMS_TIMEOUT", default=5.0)
KEJIJU_SMS_MAX_ATTEMPTS = env.int("KEJIJU_SMS_MAX_ATTEMPTS", default=5)
# The address the links of the e-mail digest start with (e.g. https://kjj.example.gov.cn).
KEJIJU_SITE_URL = env.str("KEJIJU_SITE_URL", default="")
