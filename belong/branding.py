"""District branding from the admin's site settings: a primary colour white text stays readable on, and a logo.

The colour is checked against WCAG 2.1's contrast ratio (1.4.3: 4.5:1 for normal text) with white, since
the header and primary buttons put white text on it; a colour that fails is refused with a darker shade
of it that passes, so the director can take that instead. Logos are kept in the database (one small row,
no shared volume needed) and accepted only as PNG, JPEG, GIF or WebP, recognised by their first bytes: an
SVG can carry script, so it is refused. belong.views serves the logo with nosniff and a sandboxing CSP.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .private_files import sniff

MINIMUM_CONTRAST = 4.5
DEFAULT_PRIMARY_COLOR = "#2b3a67"
LOGO_MAX_BYTES = 1024 * 1024
LOGO_KINDS = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"RIFF", "image/webp", "webp"),
)
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def parse_hex(value: str) -> tuple[int, int, int]:
    match = _HEX.match(value.strip())
    if not match:
        raise ValueError(value)
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (relative_luminance(rgb) + 0.05)


def darkest_passing_shade(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The lightest shade of `rgb` (same hue, scaled towards black) that white text reads on at 4.5:1."""
    for step in range(100, -1, -1):
        shade = tuple(round(v * step / 100) for v in rgb)
        if contrast_with_white(shade) >= MINIMUM_CONTRAST:
            return shade  # type: ignore[return-value]
    return (0, 0, 0)


def normalize_primary_color(value: str) -> str:
    """`value` as #rrggbb; ValidationError, with a passing shade to use instead, when white text on it fails."""
    try:
        rgb = parse_hex(value or "")
    except ValueError:
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, for example %(example)s.")
            % {"example": DEFAULT_PRIMARY_COLOR},
            code="invalid",
        ) from None
    ratio = contrast_with_white(rgb)
    if ratio < MINIMUM_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(color)s has a contrast of only %(ratio)s:1; it needs at least 4.5:1 to be "
                "readable. Choose a darker colour, for example %(suggestion)s (the same colour, darker)."
            )
            % {"color": to_hex(rgb), "ratio": f"{ratio:.1f}", "suggestion": to_hex(darkest_passing_shade(rgb))},
            code="low_contrast",
        )
    return to_hex(rgb)


def validate_primary_color(value: str) -> None:
    normalize_primary_color(value)


def read_logo(upload) -> tuple[bytes, str]:
    """(bytes, content type) of an uploaded logo; ValidationError when too large or not a raster image."""
    try:
        content_type, _extension = sniff(upload, limit=LOGO_MAX_BYTES, kinds=LOGO_KINDS)
    except ValidationError as error:
        if error.code == "not_accepted":
            raise ValidationError(
                _("Upload the logo as a PNG, JPEG, GIF or WebP image (SVG files are not accepted)."),
                code="not_accepted",
            ) from None
        raise
    upload.seek(0)
    data = upload.read()
    if content_type == "image/webp" and data[8:12] != b"WEBP":
        raise ValidationError(
            _("Upload the logo as a PNG, JPEG, GIF or WebP image (SVG files are not accepted)."), code="not_accepted"
        )
    return data, content_type
