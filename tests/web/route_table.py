"""The application's route table as test cases: every method and path, with its path and query parameters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from litestar import Litestar
from litestar.routes import HTTPRoute

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
#: Parameters the framework fills (dependencies and the request), not the client.
_INJECTED = {"db", "settings", "principal", "request", "data", "state", "scope", "headers", "cookies", "self"}


@dataclass(frozen=True)
class RouteCase:
    """One method of one route: ``/motions/{motion_id:int}`` with its typed path and query parameter names."""

    method: str
    path: str
    path_params: dict[str, type]
    query_params: tuple[str, ...]

    def fill(self, ints: int, texts: Callable[[str], str]) -> str:
        """The path with every integer parameter set to ``ints`` and every other one to ``texts(name)``."""

        def value(match: re.Match[str]) -> str:
            return str(ints) if self.path_params[match[1]] is int else texts(match[1])

        return re.sub(r"\{(\w+):\w+\}", value, self.path)


def route_cases(app: Litestar) -> list[RouteCase]:
    """Every HTTP route and method of ``app`` (HEAD and OPTIONS left out; static files and the schema UI too)."""
    cases = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/static"):
            continue
        params = {p.name: p.type for p in route.path_parameters.values()} if isinstance(
            route.path_parameters, dict) else {p.name: p.type for p in route.path_parameters}
        for method, (handler, _app) in route.route_handler_map.items():
            if method in {"HEAD", "OPTIONS"}:
                continue
            names = tuple(name for name in handler.parsed_fn_signature.parameters
                          if name not in _INJECTED and name not in params)
            cases.append(RouteCase(method, route.path, params, names))
    return sorted(cases, key=lambda c: (c.path, c.method))


def form_field_names() -> list[str]:
    """Every form field name the templates use (``name="..."``) or the views read (``form.get("...")``), so a form
    test reaches every field reader."""
    names: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        names.update(re.findall(r'name="([A-Za-z_][\w\-]*)"', template.read_text(encoding="utf-8")))
    for module in (ROOT / "ballot").rglob("*.py"):
        names.update(re.findall(r'(?:form|values|data|raw|fields)(?:\.get\(|\.getall\(|\[)"([a-z_]\w*)"',
                                module.read_text(encoding="utf-8")))
    return sorted(names - {"_csrf_token", "viewport", "htmx-config"})
