"""Retention: expired sessions and links go, old client addresses are removed, recent ones and the events stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ballot.accounts.models import AuthSession, OneTimeToken, TokenPurpose
from ballot.accounts.retention import purge
from ballot.audit.models import AuditEvent
from ballot.audit.services import record_event
from ballot.db import utcnow


async def test_purge(db, factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    account = await factory.account(await factory.member(tree.local_a))
    now = utcnow()
    db.add(AuthSession(token_hash="a" * 64, account_id=account.id, expires_at=now - timedelta(minutes=1)))
    db.add(AuthSession(token_hash="b" * 64, account_id=account.id, expires_at=now + timedelta(hours=1)))
    db.add(OneTimeToken(token_hash="c" * 64, purpose=TokenPurpose.LOGIN, account_id=account.id,
                        expires_at=now - timedelta(days=2)))
    db.add(OneTimeToken(token_hash="d" * 64, purpose=TokenPurpose.LOGIN, account_id=account.id,
                        expires_at=now - timedelta(hours=1)))
    old = record_event(db, "accounts:login:failure", account_id=account.id, ip="192.0.2.7", reason="password")
    old.created_at = now - timedelta(days=31)
    recent = record_event(db, "accounts:login:failure", account_id=account.id, ip="192.0.2.8", reason="password")
    await db.commit()

    report = await purge(db, now, ip_retention_days=30)
    await db.commit()

    assert (report.sessions, report.tokens, report.addresses) == (1, 1, 1)
    assert await db.scalar(select(func.count(AuthSession.id))) == 1
    assert await db.scalar(select(func.count(OneTimeToken.id))) == 1
    await db.refresh(old)
    await db.refresh(recent)
    assert old.data == {"reason": "password"}
    assert recent.data["ip"] == "192.0.2.8"
    assert await db.scalar(select(func.count(AuditEvent.id))) == 2


def test_purge_command(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from ballot.cli import cli
    from ballot.settings import get_settings

    monkeypatch.setenv("BALLOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("BALLOT_DATABASE_SCHEMA", raising=False)
    monkeypatch.setenv("BALLOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BALLOT_IP_RETENTION_DAYS", "7")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        result = runner.invoke(cli, ["maintenance", "purge"])
        assert result.exit_code == 0, result.output
        assert "older than 7 days" in result.output
    finally:
        get_settings.cache_clear()
