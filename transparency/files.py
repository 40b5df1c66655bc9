"""Attachments of a notice (and the vouchers of the village ledger): PDFs and images, checked by their content (not
their name), at most 10 MB each and ``MAX_FILES`` a notice. A refused file is named in a Chinese message and nothing
is stored."""

from __future__ import annotations

import os

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from casework.attachments import IMAGE_FORMATS, MAX_BYTES
from core import audit
from core.errors import DomainError

MAX_FILES = 10
PDF = "application/pdf"


def _kind(upload) -> str | None:
    """The content type the bytes say, or None when they are neither a PDF nor a readable image."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return PDF
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return IMAGE_FORMATS.get(kind)


def prepare_documents(files, *, already: int = 0, field: str = "files") -> list:
    """Check uploaded attachments; return them with ``content_type`` set from their content. Raises DomainError."""
    files = [f for f in (files or []) if f]
    if already + len(files) > MAX_FILES:
        raise DomainError(
            {field: _("A notice has at most %(n)s attachments; it has %(has)s.") % {"n": MAX_FILES, "has": already}}
        )
    prepared = []
    for upload in files:
        name = os.path.basename(getattr(upload, "name", "") or "") or _("file")
        size = getattr(upload, "size", None) or 0
        if size > MAX_BYTES:
            raise DomainError(
                {field: _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}}
            )
        if size == 0:
            raise DomainError({field: _("“%(name)s” is empty.") % {"name": name}})
        kind = _kind(upload)
        if kind is None:
            raise DomainError(
                {field: _("“%(name)s” is neither a PDF nor an image (JPEG, PNG, WebP or GIF).") % {"name": name}}
            )
        upload.content_type = kind
        prepared.append(upload)
    return prepared


def store_documents(actor, files, model, *, owner, action: str, **columns) -> list:
    """Store uploads ``prepare_documents`` accepted as rows of ``model`` (with the owner's ``columns``) and record
    one audit event ``action`` on ``owner`` naming them."""
    stored = [
        model.objects.create(
            **columns,
            file=upload,
            name=(getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200],
            size=getattr(upload, "size", 0) or 0,
            content_type=upload.content_type,
            uploaded_by=actor,
        )
        for upload in files
    ]
    if stored:
        audit.record(
            actor, action, owner, after={"files": [f"{a.name} ({a.content_type}, {a.size} B)" for a in stored]}
        )
    return stored
