"""Photos uploaded through the web pages: images only, recognised by their magic bytes (never by the name or
the browser's content type), limited in size, stored under a neutral name with the detected type."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _

from gaoxin.core.errors import ApplicationError

# detected type → extension
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_FILES = 4


def sniff_image(head: bytes) -> str | None:
    """The image type of a file from its first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def max_bytes() -> int:
    return int(getattr(settings, "GAOXIN_WEB_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))


def clean_photos(files: list[UploadedFile], *, field: str = "photo") -> list[UploadedFile]:
    """Checked copies of the uploaded photos, renamed ``photo-<sha256 prefix>.<ext>`` with the sniffed type.
    Raises ApplicationError naming ``field`` for a non-image, an oversized file or too many files."""
    if len(files) > MAX_FILES:
        raise ApplicationError(_("最多上传 %(n)d 张照片") % {"n": MAX_FILES}, field=field, code="too_many_files")
    cleaned: list[UploadedFile] = []
    limit = max_bytes()
    for upload in files:
        if upload.size is None or upload.size > limit:
            raise ApplicationError(_("照片不能超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)}, field=field,
                                   code="file_too_large")
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ApplicationError(_("照片不能超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)}, field=field,
                                   code="file_too_large")
        kind = sniff_image(data[:16])
        if kind is None:
            raise ApplicationError(_("只能上传 JPEG、PNG 或 WebP 格式的照片"), field=field, code="not_an_image")
        name = f"photo-{hashlib.sha256(data).hexdigest()[:12]}.{IMAGE_TYPES[kind]}"
        cleaned.append(SimpleUploadedFile(name, data, content_type=kind))
    return cleaned
