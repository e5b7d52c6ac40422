"""Reading the discussion forms (they work without JavaScript): text fields as strings, ids that must be whole
numbers, and the attached files. Anything unreadable becomes an error beside its field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from ballot.discussions.attachments import Upload, check_uploads
from ballot.i18n import gettext as _
from ballot.settings import Settings

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FILE_FIELD = "attachments"


@dataclass
class PostForm:
    """Submitted values (for re-rendering), parsed uploads and errors per field."""

    values: dict[str, str] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def clean_text(value: str) -> str:
    """Control characters removed (tabs and line breaks stay), line breaks normalised."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def whole_number(raw: str | None) -> int | None:
    """A positive whole number, or None."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 and int(text) > 0 else None


async def read_post_form(request: Request[Any, Any, Any], settings: Settings, *, with_files: bool = True) -> PostForm:
    """Text fields (trimmed of control characters) and, when allowed, up to the configured number of files."""
    data = await request.form()
    form = PostForm()
    for key, value in data.multi_items():
        if key == "_csrf_token" or isinstance(value, UploadFile):
            continue
        form.values[key] = clean_text(str(value)).strip() if key != "body" else clean_text(str(value)).rstrip()
    if with_files:
        for value in data.getall(FILE_FIELD) if FILE_FIELD in data else []:
            if isinstance(value, UploadFile) and value.filename:
                content = await value.read(settings.discussions.attachment_max_bytes + 1)
                form.uploads.append(Upload(value.filename, content))
        problem = check_uploads(settings, form.uploads)
        if problem:
            form.errors[FILE_FIELD] = problem
    return form


def parent_of(form: PostForm) -> tuple[int | None, str | None]:
    """The ``parent`` post id from the form (None: reply to the opening post) and an error, if unreadable."""
    raw = form.values.get("parent", "")
    if not raw:
        return None, None
    number = whole_number(raw)
    return (number, None) if number is not None else (None, _("The post you are replying to does not exist."))
