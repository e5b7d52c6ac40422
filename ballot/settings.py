"""Settings, read once from the environment (``BALLOT_*``) and frozen."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"BALLOT_{name}", default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"BALLOT_{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"BALLOT_{name} must be a boolean (1/0, true/false), got {raw!r}")


def _env_networks(name: str) -> tuple[str, ...]:
    """A comma list of IP addresses or CIDR networks (``BALLOT_TRUSTED_PROXIES``); anything else stops the start."""
    entries = tuple(entry.strip() for entry in _env(name, "").split(",") if entry.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry)
        except ValueError as exc:
            raise SystemExit(f"BALLOT_{name} must list IP addresses or networks (CIDR), got {entry!r}") from exc
    return entries


@dataclass(frozen=True)
class PasswordSettings:
    """argon2id parameters (RFC 9106 second recommendation by default)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4
    min_length: int = 10


@dataclass(frozen=True)
class LoginSettings:
    """Lock-out and rate limits for logging in."""

    max_failures: int = 5
    lockout_minutes: int = 15
    per_ip_per_minute: int = 20
    links_per_email_per_hour: int = 5
    session_hours: int = 12
    link_minutes: int = 20
    reset_minutes: int = 60
    invite_days: int = 14
    #: Accounts holding a board, election committee or admin grant must log in with TOTP (docs/operations.md).
    require_two_factor: bool = True


@dataclass(frozen=True)
class MailSettings:
    """Outgoing mail. With no SMTP host, mail goes to the development mailbox."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True
    sender: str = "Mitgliederportal <noreply@localhost>"


@dataclass(frozen=True)
class DiscussionSettings:
    """Discussions: attachment limits and the posting rate limit per account."""

    attachment_max_bytes: int = 5 * 1024 * 1024
    attachment_types: tuple[str, ...] = ("pdf", "png", "jpg", "jpeg", "txt")
    attachments_per_post: int = 3
    posts_per_window: int = 6
    post_window_seconds: int = 60


@dataclass(frozen=True)
class SurveySettings:
    """Surveys: the smallest group of respondents a breakdown by unit shows on its own (docs/surveys.md)."""

    min_cell_size: int = 5


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment."""

    environment: str
    database_url: str
    database_schema: str | None
    secret_key: str = field(repr=False)
    base_url: str
    var_dir: Path
    templates_dir: Path
    static_dir: Path
    vendor_dir: Path
    locale_dir: Path
    default_locale: str
    secure_cookies: bool
    ip_retention_days: int
    password: PasswordSettings
    login: LoginSettings
    mail: MailSettings
    #: Seconds between the app's runs of the due jobs (announcements); 0 = off (run ``ballot maintenance run-due``).
    due_jobs_seconds: int = 0
    #: Database connections each worker keeps open (more wait briefly for one instead of opening new ones).
    database_pool_size: int = 20
    discussions: DiscussionSettings = field(default_factory=DiscussionSettings)
    surveys: SurveySettings = field(default_factory=SurveySettings)
    #: Client addresses in access-log lines (never for ballot routes); off by default (docs/operations.md).
    access_log_client: bool = False
    #: Proxies whose X-Forwarded-For counts (addresses or CIDRs); empty: the peer address counts.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def is_development(self) -> bool:
        return self.environment == "development"


def _secret_key(var_dir: Path, environment: str) -> str:
    configured = _env("SECRET_KEY", "")
    if configured:
        return configured
    if environment == "production":
        raise SystemExit("BALLOT_SECRET_KEY must be set in production (64 random hex characters).")
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings() -> Settings:
    """Read the settings from the environment (no caching: use :func:`get_settings`)."""
    environment = _env("ENV", "development")
    if environment not in {"development", "production", "test"}:
        raise SystemExit(f"BALLOT_ENV must be development, production or test, got {environment!r}")
    var_dir = Path(_env("VAR_DIR", str(PROJECT_ROOT / "var")))
    return Settings(
        environment=environment,
        database_url=_env("DATABASE_URL", f"sqlite+aiosqlite:///{var_dir / 'ballot.sqlite3'}"),
        database_schema=_env("DATABASE_SCHEMA", "") or None,
        secret_key=_secret_key(var_dir, environment),
        base_url=_env("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        var_dir=var_dir,
        templates_dir=Path(_env("TEMPLATES_DIR", str(PROJECT_ROOT / "templates"))),
        static_dir=Path(__file__).resolve().parent / "static",
        vendor_dir=Path(_env("VENDOR_DIR", str(PROJECT_ROOT / "node_modules"))),
        locale_dir=Path(__file__).resolve().parent / "locale",
        default_locale=_env("DEFAULT_LOCALE", "de"),
        secure_cookies=_env_bool("SECURE_COOKIES", environment == "production"),
        ip_retention_days=_env_int("IP_RETENTION_DAYS", 30),
        password=PasswordSettings(
            time_cost=_env_int("ARGON2_TIME_COST", 3),
            memory_cost_kib=_env_int("ARGON2_MEMORY_KIB", 65536),
            parallelism=_env_int("ARGON2_PARALLELISM", 4),
            min_length=_env_int("PASSWORD_MIN_LENGTH", 10),
        ),
        login=LoginSettings(
            max_failures=_env_int("LOGIN_MAX_FAILURES", 5),
            lockout_minutes=_env_int("LOGIN_LOCKOUT_MINUTES", 15),
            per_ip_per_minute=_env_int("LOGIN_PER_IP_PER_MINUTE", 20),
            links_per_email_per_hour=_env_int("LOGIN_LINKS_PER_HOUR", 5),
            session_hours=_env_int("SESSION_HOURS", 12),
            link_minutes=_env_int("LOGIN_LINK_MINUTES", 20),
            reset_minutes=_env_int("RESET_MINUTES", 60),
            invite_days=_env_int("INVITE_DAYS", 14),
            require_two_factor=_env_bool("REQUIRE_TWO_FACTOR", True),
        ),
        mail=MailSettings(
            smtp_host=_env("SMTP_HOST", ""),
            smtp_port=_env_int("SMTP_PORT", 587),
            smtp_user=_env("SMTP_USER", ""),
            smtp_password=_env("SMTP_PASSWORD", ""),
            smtp_starttls=_env_bool("SMTP_STARTTLS", True),
            sender=_env("MAIL_FROM", "Mitgliederportal <noreply@localhost>"),
        ),
        due_jobs_seconds=_env_int("DUE_JOBS_SECONDS", 0),
        database_pool_size=max(1, _env_int("DATABASE_POOL_SIZE", 20)),
        discussions=DiscussionSettings(
            attachment_max_bytes=_env_int("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024),
            attachment_types=tuple(
                t.strip().lower().lstrip(".") for t in _env("ATTACHMENT_TYPES", "pdf,png,jpg,jpeg,txt").split(",")
                if t.strip()
            ),
            attachments_per_post=_env_int("ATTACHMENTS_PER_POST", 3),
            posts_per_window=_env_int("POSTS_PER_WINDOW", 6),
            post_window_seconds=_env_int("POST_WINDOW_SECONDS", 60),
        ),
        surveys=SurveySettings(min_cell_size=max(1, _env_int("SURVEY_MIN_CELL_SIZE", 5))),
        access_log_client=_env_bool("ACCESS_LOG_CLIENT", False),
        trusted_proxies=_env_networks("TRUSTED_PROXIES"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
