"""Attachments: checked against the configured size and types (by extension and by content), stored under
``<var>/discussions/attachments/<random key>``, served as downloads (never rendered inline by the browser)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.discussions.models import Attachment, Post
from ballot.i18n import gettext as _
from ballot.settings import Settings

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "odt": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
}
TEXT_TYPES = ("txt", "csv")


@dataclass(frozen=True)
class Upload:
    """A file as the member sent it (name and content), before checking."""

    filename: str
    data: bytes


def clean_filename(name: str) -> str:
    """The last path part, without control characters, at most 100 characters (keeping the extension)."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().strip(".") or "file"
    if len(base) > 100:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 99 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else base[:100]
    return base


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def check_uploads(settings: Settings, uploads: Sequence[Upload]) -> str | None:
    """None when every upload is acceptable, otherwise the reason (shown beside the file field)."""
    limits = settings.discussions
    if len(uploads) > limits.attachments_per_post:
        return _("At most %(number)s files per post.", number=limits.attachments_per_post)
    allowed = ", ".join(limits.attachment_types)
    for upload in uploads:
        name = clean_filename(upload.filename)
        ext = extension(name)
        if ext not in limits.attachment_types or ext not in CONTENT_TYPES:
            return _("%(name)s: this file type is not allowed (allowed: %(types)s).", name=name, types=allowed)
        if len(upload.data) > limits.attachment_max_bytes:
            return _("%(name)s is too large (at most %(size)s kB).", name=name,
                     size=limits.attachment_max_bytes // 1024)
        if not upload.data:
            return _("%(name)s is empty.", name=name)
        if ext in TEXT_TYPES:
            try:
                text = upload.data.decode("utf-8")
            except UnicodeDecodeError:
                return _("%(name)s is not a UTF-8 text file.", name=name)
            if "\x00" in text:
                return _("%(name)s is not a UTF-8 text file.", name=name)
        elif not upload.data.startswith(MAGIC[ext]):
            return _("%(name)s does not look like a %(type)s file.", name=name, type=ext.upper())
    return None


def storage_dir(settings: Settings) -> Path:
    return settings.var_dir / "discussions" / "attachments"


async def store_uploads(session: AsyncSession, settings: Settings, post: Post, uploads: Sequence[Upload]) -> None:
    """Write checked uploads to disk and record them (callers ran :func:`check_uploads` first)."""
    if not uploads:
        return
    folder = storage_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        name = clean_filename(upload.filename)
        key = secrets.token_hex(16)
        (folder / key).write_bytes(upload.data)
        session.add(Attachment(post_id=post.id, filename=name, content_type=CONTENT_TYPES[extension(name)],
                               size=len(upload.data), storage_key=key))


def read_attachment(settings: Settings, attachment: Attachment) -> bytes | None:
    """The stored bytes, or None when the file is gone."""
    path = storage_dir(settings) / attachment.storage_key
    return path.read_bytes() if re.fullmatch(r"[0-9a-f]{32}", attachment.storage_key) and path.is_file() else None
