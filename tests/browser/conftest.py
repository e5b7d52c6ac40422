"""Browser tests: a live server on a fresh SQLite database with the demo data, driven by Playwright in Chromium.

Every test here is marked ``browser``. When /usr/bin/chromium is missing or Playwright cannot launch it, the whole
group skips with one reason. The server runs in a subprocess (uvicorn) on a free port with its own BALLOT_VAR_DIR.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ballot.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
BIN = Path(sys.executable).parent

try:
    from ballot.demo.data import DEMO_PASSWORD
except ImportError:  # the demo loader is not there: the fallback below creates the same logins
    DEMO_PASSWORD = "demo-passwort-2026"


@dataclass(frozen=True)
class Login:
    email: str
    password: str = DEMO_PASSWORD


MEMBER = Login("mitglied@demo.example")
BOARD = Login("vorstand@demo.example")
TRUSTEE = Login("wahlkommission@demo.example")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


_launch: dict[str, str | None] = {}


def _cannot_launch() -> str | None:
    """None when Chromium starts under Playwright, else the one-line reason to skip the group."""
    if "reason" in _launch:
        return _launch["reason"]
    reason: str | None = None
    if not CHROMIUM.exists():
        reason = f"browser tests skipped: {CHROMIUM} is missing (apt-get install chromium)"
    elif not AXE.exists():
        reason = f"browser tests skipped: {AXE} is missing (npm ci)"
    else:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS).close()
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [""])[0][:160]
            reason = f"browser tests skipped: Playwright cannot launch {CHROMIUM} ({type(exc).__name__}: {first})"
    _launch["reason"] = reason
    return reason


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BALLOT_")}
    env.update(
        BALLOT_ENV="development",
        BALLOT_VAR_DIR=str(var_dir),
        BALLOT_DATABASE_URL=f"sqlite+aiosqlite:///{var_dir / 'ballot.sqlite3'}",
        BALLOT_SECRET_KEY="browser-test-" + "0" * 51,
        BALLOT_ARGON2_TIME_COST="1",
        BALLOT_ARGON2_MEMORY_KIB="8192",
        BALLOT_ARGON2_PARALLELISM="1",
        BALLOT_LOGIN_PER_IP_PER_MINUTE="1000",
        BALLOT_LOGIN_MAX_FAILURES="1000",
        BALLOT_SMTP_HOST="",
        # These tests log in as the demo board, committee and admin through the password form only; the two-factor
        # pages have their own tests (tests/accounts/test_two_factor.py), so the requirement is off here.
        BALLOT_REQUIRE_TWO_FACTOR="0",
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


def _fallback_data(env: dict[str, str]) -> None:
    """Without ``ballot demo``: a small tree and the three logins, built like tests.factories does."""
    script = (
        "import asyncio, dataclasses\n"
        "from ballot.authz.models import Role\n"
        "from ballot.db import create_engine, create_session_factory\n"
        "from ballot.settings import get_settings\n"
        "from tests.factories import Factory\n"
        "async def main():\n"
        "    settings = get_settings()\n"
        "    engine = create_engine(settings.database_url)\n"
        "    async with create_session_factory(engine)() as session:\n"
        "        f = Factory(session, settings)\n"
        "        t = await f.tree()\n"
        f"        pw = {DEMO_PASSWORD!r}\n"
        "        m = await f.member(t.local_a, given_name='Miriam', family_name='Kowalski')\n"
        f"        await f.account(m, email={MEMBER.email!r}, password=pw)\n"
        "        b = await f.member(t.local_b, given_name='Thomas', family_name='Berger')\n"
        f"        a = await f.account(b, email={BOARD.email!r}, password=pw, roles=[(Role.BOARD, t.federal)])\n"
        "        await f.join_group(b, t.board, 'Vorsitz')\n"
        "        e = await f.member(t.local_b, given_name='Elif', family_name='Demir')\n"
        f"        await f.account(e, email={TRUSTEE.email!r}, password=pw, "
        "roles=[(Role.ELECTION_COMMITTEE, t.federal)])\n"
        "        for n in range(30):\n"
        "            await f.member(t.local_a if n % 2 else t.local_b, given_name='Paula', family_name=f'Probe{n}')\n"
        "        await session.commit()\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
    )
    done = _run([sys.executable, "-c", script], env)
    if done.returncode != 0:
        raise RuntimeError(f"creating browser test data failed:\n{done.stderr[-2000:]}")


@contextmanager
def serve(env: dict[str, str], var_dir: Path, *, demo: bool = True) -> Iterator[str]:
    """Migrate, load the demo data (or the small fallback), run uvicorn on a free port and yield its base URL."""
    ballot = str(BIN / "ballot")
    upgraded = _run([ballot, "db", "upgrade"], env)
    if upgraded.returncode != 0:
        raise RuntimeError(f"ballot db upgrade failed:\n{upgraded.stderr[-2000:]}")
    loaded = _run([ballot, "demo"], env) if demo else None
    if loaded is None or loaded.returncode != 0:
        if loaded is not None and "No such command" not in loaded.stderr:
            raise RuntimeError(f"ballot demo failed:\n{loaded.stderr[-2000:]}")
        _fallback_data(env)
    port = _free_port()
    log = (var_dir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "ballot.server.app:app_from_env", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited: {(var_dir / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz within 60 s")
            time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a freshly migrated server with demo data; stopped at the end of the session."""
    reason = _cannot_launch()
    if reason:
        pytest.skip(reason)
    var_dir = tmp_path_factory.mktemp("browser-var")
    with serve(_server_env(var_dir), var_dir) as base_url:
        yield base_url


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Playwright's Chromium on Debian's binary, closed at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Any]:
    with launch_chromium() as instance:
        yield instance


_states: dict[str, Any] = {}


def storage_state(browser: Any, base_url: str, login: Login) -> Any:
    """Log in through the login form once per account and keep the cookies for later contexts."""
    if login.email not in _states:
        context = browser.new_context(base_url=base_url)
        page = context.new_page()
        page.goto("/login")
        page.locator("#f-email").fill(login.email)
        page.locator("#f-password").fill(login.password)
        page.locator("form:has(#f-password) button[type=submit]").click()
        page.wait_for_url(f"{base_url}/")
        _states[login.email] = context.storage_state()
        context.close()
    return _states[login.email]


@pytest.fixture
def open_page(browser: Any, live_server: str) -> Iterator[Any]:
    """``open_page(login, viewport=DESKTOP, bypass_csp=False)`` gives a page in a fresh context."""
    contexts: list[Any] = []

    def make(login: Login | None = None, viewport: dict[str, int] | None = None, **options: Any) -> Any:
        state = storage_state(browser, live_server, login) if login else None
        context = browser.new_context(
            base_url=live_server, viewport=viewport or DESKTOP, storage_state=state, accept_downloads=True, **options
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (needs a context with bypass_csp)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in {"serious", "critical"}]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node.get("target", []))) for node in v.get("nodes", [])][:5]
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} -> {targets}")
    return "\n".join(lines)


def check_page(page: Any, name: str, viewport: dict[str, int]) -> list[str]:
    """One h1, a screenshot ``name``, no serious axe-core violation and no sideways scrolling at ``viewport``: the
    problems found (the page's context needs bypass_csp for axe)."""
    failures = []
    assert page.locator("h1").count() == 1
    screenshot(page, name)
    violations = run_axe(page)
    if violations:
        failures.append(f"{name}:\n{describe(violations)}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"] + 1:
        failures.append(f"{name}: page scrolls sideways ({width}px)")
    return failures


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))

