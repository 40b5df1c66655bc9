"""The picture of a good in the points shop: checked as any uploaded photo (``casework.attachments``: by its
content, JPEG/PNG/WebP/GIF, at most 10 MB, no decompression bomb), then kept as a JPEG of at most 1024 px (what a
phone shows full screen) with the 320 px thumbnail the shelf shows. Served only through the shop's pages
(``points.shop.views.good_picture``), never from another site."""

from __future__ import annotations

import io
import os

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from casework.attachments import MAX_BYTES, prepare_photos

DISPLAY_SIZE = (1024, 1024)
MAX_MB = MAX_BYTES // (1024 * 1024)


def prepare_picture(upload, *, field: str = "picture") -> tuple[ContentFile, ContentFile]:
    """(the picture to keep, its thumbnail) from an upload; raises DomainError({field: 中文}) when it is not a
    photo, is empty or too large."""
    checked = prepare_photos([upload], field=field, max_count=1)[0]
    checked.seek(0)
    with Image.open(checked) as image:
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail(DISPLAY_SIZE)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or ""))[0][:60] or "good"
    return ContentFile(out.getvalue(), name=f"{stem}.jpg"), checked.thumbnail
