"""Where attachments and library files live: STORAGES["spaces_files"], read when first used."""

from __future__ import annotations

from belong.private_files import LazyStorage

files = LazyStorage("spaces_files")
