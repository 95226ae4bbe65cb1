"""The receipts' default storage: files on disk with no URL at all (Django's would fall back to MEDIA_URL)."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("Receipts have no public URL; they are served by funding's receipt view.")
