"""Every string the code and templates mark for translation has a German translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "ballot" / "locale" / "de" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    methods = [
        ("ballot/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    options = {
        "templates/**.html": {"extensions": "jinja2.ext.i18n"},
        "templates/**.txt": {"extensions": "jinja2.ext.i18n"},
    }
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=methods, options_map=options, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def test_every_message_is_translated_to_german() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    missing: list[str] = []
    mismatched: list[str] = []
    for message in sorted(extracted(), key=str):
        msgid = message if isinstance(message, str) else message[0]
        entry = catalog.get(msgid)
        strings = [entry.string] if entry and isinstance(entry.string, str) else list(entry.string) if entry else []
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(msgid)
            continue
        wanted = set(PLACEHOLDER.findall(msgid))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) - wanted - {"num"}:
                mismatched.append(f"{msgid!r} -> {text!r}")
    assert not missing, f"{len(missing)} strings without German translation (run `make messages`): {missing[:20]}"
    assert not mismatched, f"placeholders differ: {mismatched}"
