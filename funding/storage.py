"""Where receipts live: STORAGES["funding_receipts"], read when first used rather than when models load.

A FileField calls its storage callable once, at import; the lazy object lets a changed STORAGES setting (a
test's private folder, an operator's S3 switch at start-up) take effect, as Django does for default_storage.
"""

from __future__ import annotations

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

# Shared with other apps' private files; kept importable here for settings naming this path.
from belong.private_files import PrivateFileSystemStorage  # noqa: F401


class ReceiptsStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["funding_receipts"]


receipts = ReceiptsStorage()


@receiver(setting_changed)
def _forget_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        receipts._wrapped = empty
