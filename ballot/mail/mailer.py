"""Sending mail: SMTP when a host is configured, otherwise the development mailbox (``/dev/mail``).

Bodies are plain-text Jinja templates (``templates/email/*.txt``) rendered in the recipient's language. Mail often
carries login links, so the body is never logged: the log says only who got which subject.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.db import utcnow
from ballot.exceptions import BallotError
from ballot.i18n import gettext, ngettext, use_locale
from ballot.mail.models import DevMail
from ballot.settings import MailSettings, Settings

logger = logging.getLogger("ballot.mail")

SMTP_TIMEOUT_SECONDS = 30


class MailDeliveryFailed(BallotError):
    """The mail server refused or could not be reached. The message names host and error type, never credentials."""

    status_code = 503


@lru_cache(maxsize=4)
def _text_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=False,  # noqa: S701 (plain-text mail, never HTML)
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def render_mail(settings: Settings, template: str, locale: str | None, **context: Any) -> str:
    """Render ``templates/email/<template>`` in ``locale`` (default: the site's default language)."""
    with use_locale(locale or settings.default_locale):
        return (
            _text_environment(settings.templates_dir)
            .get_template(f"email/{template}")
            .render(base_url=settings.base_url, **context)
        )


def _build_message(mail: MailSettings, to: str, subject: str, body: str,
                   headers: Mapping[str, str] | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    domain = parseaddr(mail.sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():  # e.g. List-Unsubscribe (RFC 8058)
        message[name] = value
    message.set_content(body)
    return message


def _smtp_send(mail: MailSettings, message: EmailMessage) -> None:
    """Blocking SMTP delivery (runs in a worker thread). Port 465 means TLS from the start."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if mail.smtp_port == 465:
        smtp = smtplib.SMTP_SSL(mail.smtp_host, mail.smtp_port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if mail.smtp_port != 465 and mail.smtp_starttls:
            smtp.starttls(context=context)
        if mail.smtp_user:
            smtp.login(mail.smtp_user, mail.smtp_password)
        smtp.send_message(message)


async def send_mail(session: AsyncSession, settings: Settings, to: str, subject: str, body: str,
                    headers: Mapping[str, str] | None = None) -> None:
    """Send one plain-text message, or store it in the development mailbox when no SMTP host is set. ``headers``
    adds header fields (the development mailbox keeps only recipient, subject and body)."""
    extra = "".join(f"{k}{v}" for k, v in (headers or {}).items())
    if "\n" in to or "\r" in to or "\n" in subject or "\r" in subject or "\n" in extra or "\r" in extra:
        raise ValueError("mail headers must not contain line breaks")
    mail = settings.mail
    if not mail.smtp_host:
        session.add(DevMail(recipient=to, subject=subject, body=body))
        await session.flush()
        logger.info("mail stored in the development mailbox")
        return
    message = _build_message(mail, to, subject, body, headers)
    try:
        await asyncio.to_thread(_smtp_send, mail, message)
    except (smtplib.SMTPException, OSError) as exc:
        # The exception text may quote the server's reply; the type and the host are enough to act on.
        logger.warning("mail failed via %s:%s (%s)", mail.smtp_host, mail.smtp_port, type(exc).__name__)
        raise MailDeliveryFailed(
            gettext(
                "The mail could not be sent (mail server %(server)s: %(error)s). Please try again later.",
                server=f"{mail.smtp_host}:{mail.smtp_port}",
                error=type(exc).__name__,
            )
        ) from None
    logger.info("mail sent via %s:%s", mail.smtp_host, mail.smtp_port)


@dataclass(frozen=True)
class OutgoingMail:
    """A rendered message waiting to be sent (e.g. after the response, so that timing reveals nothing)."""

    to: str
    subject: str
    body: str = field(repr=False)


async def deliver_in_background(
    factory: async_sessionmaker[AsyncSession], settings: Settings, mails: Sequence[OutgoingMail]
) -> None:
    """Send ``mails`` with a session of their own; failures are logged, never raised (the response has gone)."""
    for mail in mails:
        try:
            async with factory() as session:
                await send_mail(session, settings, mail.to, mail.subject, mail.body)
                await session.commit()
        except Exception as exc:
            logger.warning("background mail not sent (%s)", type(exc).__name__)
