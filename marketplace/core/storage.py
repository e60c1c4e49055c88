"""Storage for files that only staff may read (uploaded decision files): kept apart from the public media
(never under MEDIA_URL, never in the public bucket) and read only through views that check permissions."""

import re
import unicodedata
import uuid
from pathlib import PurePath
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename

DOWNLOAD_NAME_MAX_LENGTH = 150
_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files, under PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT). They have no URL, so no template
    or admin widget can link to one."""

    @cached_property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting: Any, **kwargs: Any) -> None:
        if setting == "PRIVATE_MEDIA_ROOT":  # followed like MEDIA_ROOT (tests point it elsewhere)
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
        else:
            super()._clear_cached_properties(setting, **kwargs)

    def url(self, name: str | None) -> NoReturn:
        raise ValueError("private files have no public URL; serve them through a permission-checking view")


def private_storage() -> Storage:
    """STORAGES["private"]; a callable, so migrations name it instead of freezing one backend's options."""
    return storages["private"]


def random_name(folder: str, original: str) -> str:
    """`folder/<uuid><suffix>`: of the uploader's name only a short alphanumeric suffix reaches the storage
    (readers are chosen by it)."""
    suffix = PurePath(original).suffix.lower()
    return f"{folder}/{uuid.uuid4().hex}{suffix if _SUFFIX.fullmatch(suffix) else ''}"


def download_name(original: str, *, fallback: str) -> str:
    """The uploader's file name made safe for Content-Disposition: no directories, control characters,
    quotes or spaces; Vietnamese letters kept (NFC); at most DOWNLOAD_NAME_MAX_LENGTH characters."""
    name = unicodedata.normalize("NFC", PurePath(original.replace("\\", "/")).name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    try:
        name = get_valid_filename(name).lstrip(".")
    except SuspiciousFileOperation:  # nothing usable left (e.g. "..")
        name = ""
    if not name:
        return fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return name[:DOWNLOAD_NAME_MAX_LENGTH]
    return stem[: DOWNLOAD_NAME_MAX_LENGTH - len(suffix) - 1] + "." + suffix[:10]
