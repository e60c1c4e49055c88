"""Uploaded decision files kept so far in the public media storage under their uploader's name move to the
private storage under a random name (and back, on reverse). Not atomic: each row is updated right after its
file is copied, and the old copy deleted only then, so an interruption leaves every row pointing at a file."""

import re
import uuid
from pathlib import PurePath

from django.core.files.storage import storages
from django.db import migrations

SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def _move(apps, source, target, rename: bool) -> None:
    ImportRun = apps.get_model("catalog_import", "ImportRun")
    for pk, name in ImportRun.objects.exclude(upload="").values_list("pk", "upload").iterator():
        if not source.exists(name):
            continue  # already moved, or the file is gone: leave the row as it is
        new_name = name
        if rename:
            suffix = PurePath(name).suffix.lower()
            new_name = f"decisions/{uuid.uuid4().hex}{suffix if SUFFIX.fullmatch(suffix) else ''}"
        with source.open(name, "rb") as handle:
            new_name = target.save(new_name, handle)
        ImportRun.objects.filter(pk=pk).update(upload=new_name)
        source.delete(name)


def to_private(apps, schema_editor):
    _move(apps, storages["default"], storages["private"], rename=True)


def to_public(apps, schema_editor):
    _move(apps, storages["private"], storages["default"], rename=False)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog_import", "0003_decision_uploads_private_random_names")]

    operations = [migrations.RunPython(to_private, to_public)]
