"""Where receipts live: STORAGES["funding_receipts"], read when first used rather than when models load.

A FileField calls its storage callable once, at import; the lazy object lets a changed STORAGES setting (a
test's private folder, an operator's S3 switch at start-up) take effect, as Django does for default_storage.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk with no URL at all (Django's would fall back to MEDIA_URL)."""

    def url(self, name):
        raise ValueError("Receipts have no public URL; they are served by funding's receipt view.")


class ReceiptsStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["funding_receipts"]


receipts = ReceiptsStorage()


@receiver(setting_changed)
def _forget_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        receipts._wrapped = empty
