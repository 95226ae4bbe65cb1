"""Receipt files: PDF, JPEG or PNG, recognised by their first bytes (never by the name or the browser's claim)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def sniff(upload) -> str:
    """The receipt's real content type; ValidationError when it is not an accepted kind or too large."""
    limit = settings.FUNDING_RECEIPT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The receipt is larger than %(size)s MB.") % {"size": limit // (1024 * 1024) or 1}, code="too_large"
        )
    if upload.size == 0:
        raise ValidationError(_("The receipt file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise ValidationError(_("The receipt must be a PDF, JPEG or PNG file."), code="not_a_receipt")
