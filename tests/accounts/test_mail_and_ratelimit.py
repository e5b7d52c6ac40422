"""The mailer (development mailbox, SMTP failure without leaking secrets) and the sliding-window limiter."""

from __future__ import annotations

import dataclasses
import logging
import socket

import pytest
from sqlalchemy import select

from ballot.exceptions import RateLimited
from ballot.mail.mailer import MailDeliveryFailed, send_mail
from ballot.mail.models import DevMail
from ballot.ratelimit import RateLimiter
from ballot.settings import MailSettings


async def test_dev_mailbox_logs_neither_recipient_subject_nor_body(db, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="ballot.mail")
    await send_mail(db, settings, "a@example.org", "Your login link", "secret link http://x/login/link/abc")
    stored = await db.scalar(select(DevMail))
    assert stored is not None and stored.body.endswith("abc")
    assert "mail stored in the development mailbox" in caplog.text
    assert "a@example.org" not in caplog.text and "Your login link" not in caplog.text and "abc" not in caplog.text


async def test_smtp_failure_is_a_clear_error_without_credentials(db, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mail = MailSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_user="u", smtp_password="hunter2-secret")
    smtp_settings = dataclasses.replace(settings, mail=mail)
    with pytest.raises(MailDeliveryFailed) as info:
        await send_mail(db, smtp_settings, "a@example.org", "Subject", "body with a link")
    assert f"127.0.0.1:{port}" in info.value.message
    assert "hunter2" not in info.value.message and "hunter2" not in caplog.text
    assert "hunter2" not in repr(smtp_settings)
    assert await db.scalar(select(DevMail)) is None


async def test_header_injection_is_refused(db, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="line breaks"):
        await send_mail(db, settings, "a@example.org\nBcc: x@example.org", "s", "b")


def test_sliding_window() -> None:
    now = [1000.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        limiter.hit("ip")
    with pytest.raises(RateLimited) as info:
        limiter.hit("ip")
    assert 0 < info.value.retry_after <= 60
    limiter.hit("other-ip")  # keys are independent
    now[0] += 30
    with pytest.raises(RateLimited):
        limiter.check("ip")
    now[0] += 31  # the first hits leave the window
    limiter.check("ip")
    limiter.hit("ip")


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(1, 60, max_keys=10)
    for n in range(100):
        limiter.hit(f"ip{n}")
    assert len(limiter._hits) == 10
