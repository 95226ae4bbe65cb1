"""Private files: a storage that has no URL, looked up when first used, and uploads recognised by content.

Shared by apps that keep files only an access-checked view may serve (funding's receipts, group spaces'
attachments). Depends on no app.
"""

from __future__ import annotations

import weakref
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk with no URL at all (Django's would fall back to MEDIA_URL)."""

    def url(self, name):
        raise ValueError("Private files have no public URL; an access-checked view serves them.")


_lazy_storages: weakref.WeakSet = weakref.WeakSet()


class LazyStorage(LazyObject):
    """STORAGES[alias], read on first use: a FileField calls its storage callable once, at import, and a
    changed STORAGES setting (a test's private folder, an operator's S3 switch) must still take effect."""

    def __init__(self, alias: str) -> None:
        super().__init__()
        self.__dict__["_alias"] = alias
        _lazy_storages.add(self)

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


@receiver(setting_changed)
def _forget_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        for lazy in list(_lazy_storages):
            lazy._wrapped = empty


PDF = (b"%PDF-", "application/pdf", "pdf")
JPEG = (b"\xff\xd8\xff", "image/jpeg", "jpg")
PNG = (b"\x89PNG\r\n\x1a\n", "image/png", "png")
GIF = (b"GIF8", "image/gif", "gif")
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-office", "bin")
ZIP = b"PK\x03\x04"

# Office Open XML files are ZIP archives; what is inside says which one (never the name).
OOXML = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
)


def _office_kind(upload) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, content_type, extension in OOXML:
        if any(name.startswith(prefix) for name in names):
            return content_type, extension
    return None


def sniff(upload, *, limit: int, kinds: Iterable[tuple[bytes, str, str]], office: bool = False) -> tuple[str, str]:
    """(content type, extension) of an upload, from its first bytes; ValidationError when too large, empty
    or not one of `kinds` (nor, with `office`, a Word/Excel/PowerPoint file)."""
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024) or 1}, code="too_large"
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in kinds:
        if head.startswith(signature):
            return content_type, extension
    if office:
        if head.startswith(ZIP):
            found = _office_kind(upload)
            if found:
                return found
        elif head.startswith(OLE[0]):
            return OLE[1], OLE[2]
    raise ValidationError(_("This kind of file is not accepted."), code="not_accepted")
