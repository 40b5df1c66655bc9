"""Photos and documents attached to a step of a case: checked, and photos given a thumbnail.

``prepare_photos(files)`` refuses what is not an image (by its content, not its name), what is too large and
more than ``max_count`` files, with a Chinese message naming the file; it returns the uploads with a JPEG
``thumbnail`` (the longer side 320 px) that ``core.workflow`` stores with the attachment. ``check_evidence(file)``
does the same for one piece of evidence that may also be a PDF (a points entry's photo or document).
"""

from __future__ import annotations

import io
import os

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

MAX_PHOTOS = 9
MAX_BYTES = 10 * 1024 * 1024
THUMB_SIZE = (320, 320)
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
Image.MAX_IMAGE_PIXELS = 60_000_000  # a phone photo is ~12-50 Mpx; refuse decompression bombs beyond


def _thumbnail(image: Image.Image, name: str) -> ContentFile:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return ContentFile(out.getvalue(), name=f"{os.path.splitext(os.path.basename(name))[0][:80] or 'photo'}.jpg")


def prepare_photos(files, *, field: str = "photos", max_count: int = MAX_PHOTOS) -> list:
    """Check uploaded photos; return them with ``thumbnail`` and ``content_type`` set. Raises DomainError."""
    files = [f for f in (files or []) if f]
    if len(files) > max_count:
        raise DomainError({field: _("At most %(n)s photos can be attached.") % {"n": max_count}})
    prepared = []
    for upload in files:
        name = os.path.basename(getattr(upload, "name", "") or "") or _("photo")
        size = getattr(upload, "size", None) or 0
        if size > MAX_BYTES:
            raise DomainError(
                {field: _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}}
            )
        if size == 0:
            raise DomainError({field: _("“%(name)s” is empty.") % {"name": name}})
        try:
            upload.seek(0)
            with Image.open(upload) as probe:
                kind = probe.format
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                thumb = _thumbnail(image, name)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise DomainError(
                {field: _("“%(name)s” is not a photo (JPEG, PNG, WebP or GIF).") % {"name": name}}
            ) from None
        if kind not in IMAGE_FORMATS:
            raise DomainError({field: _("“%(name)s” is not a photo (JPEG, PNG, WebP or GIF).") % {"name": name}})
        upload.seek(0)
        upload.thumbnail = thumb
        upload.content_type = IMAGE_FORMATS[kind]
        prepared.append(upload)
    return prepared


def check_evidence(upload, *, field: str = "evidence"):
    """One piece of evidence: a photo (checked as ``prepare_photos`` does) or a PDF document (by its first bytes,
    not its name). Returns it; raises DomainError with a Chinese message naming the file otherwise."""
    if not upload:
        return upload
    name = os.path.basename(getattr(upload, "name", "") or "") or _("file")
    size = getattr(upload, "size", None) or 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        if size > MAX_BYTES:
            raise DomainError(
                {field: _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}}
            )
        return upload
    try:
        prepare_photos([upload], field=field, max_count=1)
    except DomainError:
        if size and size <= MAX_BYTES:
            message = _("“%(name)s” is neither a photo (JPEG, PNG, WebP or GIF) nor a PDF document.")
            raise DomainError({field: message % {"name": name}}) from None
        raise
    upload.seek(0)
    return upload
