import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.catalog_import import decision_files


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path) -> Path:
    """Uploaded decision files go to a private storage of the test's own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "decisions"
    folder.mkdir()
    return folder


@pytest.fixture
def need_pdf_font():
    if decision_files.pdf_font() is None:
        pytest.skip("NOTICE: no TrueType font with Vietnamese letters; PDF decision files cannot be written")


class CommandResult:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)


def run_import(*args: str) -> CommandResult:
    """manage.py import_decision as a person runs it: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_decision", *[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        return CommandResult(exc.returncode, out.getvalue(), err.getvalue())
    return CommandResult(0, out.getvalue(), err.getvalue())


@pytest.fixture
def import_decision():
    return run_import
