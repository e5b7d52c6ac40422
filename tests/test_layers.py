"""Imports run one way (docs/architecture.md, "Layers"): base modules below the web floor, the floor below the
domains, the app factory (the roof, ``ballot/server``) above them; ``crypto/`` and ``audits/`` know nothing of
``ballot``. Every module's imports are read with ``ast``, also those inside functions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BALLOT = ROOT / "ballot"

#: The domain packages: features and the entities they share, each with models, services and pages.
DOMAINS = frozenset({"accounts", "authz", "dashboard", "demo", "discussions", "members", "motions", "polls",
                     "referendums", "statutes", "surveys", "units"})
#: Base modules and packages: no web, no domain. ``mail`` (sending) and ``live`` (push to browsers) are services of
#: the infrastructure every domain may use; ``questions`` is the question model surveys and live polls share.
BASE = frozenset({"audit", "db", "exceptions", "i18n", "live", "mail", "questions", "ratelimit", "settings",
                  "unordered", "validators"})
#: The one domain module the floor may use: the Principal a request carries (``web/deps.py``, ``web/access.py``).
FLOOR_MAY_USE = frozenset({"ballot.authz.principal"})
#: File names of a domain's view modules: they turn a request into a response or build what a response carries
#: (a page context, a form's values, a PDF, a download). Every other module of a domain is a service module.
VIEW_NAMES = frozenset({"api.py", "exports.py", "forms.py", "pages.py", "pdfs.py", "views.py", "web.py"})


def is_view_module(path: Path) -> bool:
    """One of :data:`VIEW_NAMES`, ``views_<x>.py`` or ``<x>_views.py``."""
    return path.name in VIEW_NAMES or path.stem.startswith("views_") or path.stem.endswith("_views")


def imported_modules(path: Path) -> Iterator[str]:
    """Every absolute module name ``path`` imports (``from ballot import live`` gives ``ballot.live``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")


def top_package(module: str) -> str | None:
    """``referendums`` for ``ballot.referendums.board.views``; None outside ``ballot``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "ballot" and len(parts) > 1 else None


def ballot_modules(*parts: str) -> list[Path]:
    """The Python files under ``ballot/<parts>`` (a file or a package)."""
    target = BALLOT.joinpath(*parts)
    if target.with_suffix(".py").is_file():
        return [target.with_suffix(".py")]
    return sorted(target.rglob("*.py"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_layers_cover_every_package() -> None:
    """Each package and module of ``ballot`` is a domain, a base module, the floor, the roof, the command line,
    the migrations or the model registry: a new one must be placed before the rules can check it."""
    known = DOMAINS | BASE | {"web", "server", "cli", "migrations", "models", "__init__", "static", "locale"}
    found = {p.stem if p.is_file() else p.name for p in BALLOT.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    assert found - known == set()


def test_the_floor_imports_no_domain_and_not_the_roof() -> None:
    wrong = [(rel(path), module) for path in ballot_modules("web") for module in imported_modules(path)
             if (top_package(module) in DOMAINS and not module.startswith(tuple(FLOOR_MAY_USE)))
             or top_package(module) in {"server", "cli"}]
    assert wrong == []


def test_services_import_nothing_from_the_web_layer() -> None:
    wrong = [(rel(path), module) for domain in sorted(DOMAINS) for path in ballot_modules(domain)
             if not is_view_module(path) for module in imported_modules(path)
             if top_package(module) in {"web", "server"}]
    assert wrong == []


def test_domains_never_import_the_roof() -> None:
    wrong = [(rel(path), module) for domain in sorted(DOMAINS) for path in ballot_modules(domain)
             for module in imported_modules(path) if top_package(module) in {"server", "cli"}]
    assert wrong == []


@pytest.mark.parametrize("base", sorted(BASE))
def test_base_modules_import_no_domain_and_no_web(base: str) -> None:
    wrong = [(rel(path), module) for path in ballot_modules(base) for module in imported_modules(path)
             if top_package(module) in DOMAINS | {"web", "server", "cli"}]
    assert wrong == []


@pytest.mark.parametrize(("package", "forbidden"), [("crypto", ("ballot", "ballot_audit")), ("audits", ("ballot",))])
def test_library_and_verifier_import_no_server(package: str, forbidden: tuple[str, ...]) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    wrong = [(rel(path), module) for path in files if ".venv" not in path.parts
             for module in imported_modules(path) if module.split(".")[0] in forbidden]
    assert wrong == []


def test_the_checks_see_a_forbidden_import(tmp_path: Path) -> None:
    """The reader finds imports inside functions and the ``from ballot import x`` form (the rules cannot pass
    because they see nothing)."""
    module = tmp_path / "casting.py"
    module.write_text("def f():\n    from ballot.web.ratelimit import get_limiter\n\nfrom ballot import referendums\n")
    assert sorted(top_package(m) or "" for m in imported_modules(module)) == ["", "referendums", "web", "web"]
    assert not is_view_module(module)
    assert is_view_module(tmp_path / "views_board.py")
    assert is_view_module(tmp_path / "security_views.py")
    assert not is_view_module(tmp_path / "reviews.py")


def test_no_module_over_400_lines() -> None:
    """Modules small enough to read in one sitting (issue 13): none of ``ballot``, ``crypto`` or ``audits`` has
    more than 400 lines."""
    files = [path for package in ("ballot", "crypto", "audits") for path in sorted((ROOT / package).rglob("*.py"))
             if ".venv" not in path.parts]
    long = [(rel(path), lines) for path in files
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400]
    assert files and long == []
