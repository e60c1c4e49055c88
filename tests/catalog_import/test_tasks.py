"""The decisions inbox (beat) imports dropped files and sorts them into done/ and failed/."""

import pytest

from catalog_import.models import ImportRun, RunStatus
from catalog_import.tasks import scan_decisions_inbox_task
from marketplace.certification.models import Certification
from tests.catalog_import import decision_files as df
from tests.catalog_import.test_import_decision import days_ago, songma_rows, songma_title

pytestmark = pytest.mark.django_db


def test_inbox_imports_good_files_and_sets_bad_ones_aside(settings, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings.DECISIONS_INBOX = str(inbox)
    df.write_xlsx(inbox / "songma.xlsx", df.HEADER, songma_rows(), title=songma_title(days_ago(60)))
    rows = songma_rows()
    rows[2][4] = "2 sao"
    df.write_csv(inbox / "bad.csv", df.HEADER, rows, title=songma_title(days_ago(60), "77/QĐ-UBND"))

    assert scan_decisions_inbox_task() == 2

    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["songma.xlsx"]
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == ["bad.csv", "bad.csv.errors.txt"]
    report = (inbox / "failed" / "bad.csv.errors.txt").read_text(encoding="utf-8")
    assert report == "bad.csv, line 9, column E 'Hạng sao': star rating 2 is outside 3–5 ('2 sao').\n"
    assert ImportRun.objects.get().status == RunStatus.APPLIED
    assert Certification.objects.count() == 7

    # The same file dropped again is recognised by its checksum and not imported twice.
    (inbox / "done" / "songma.xlsx").rename(inbox / "songma.xlsx")
    assert scan_decisions_inbox_task() == 1
    assert ImportRun.objects.count() == 1


def test_inbox_unset_does_nothing(settings):
    settings.DECISIONS_INBOX = ""
    assert scan_decisions_inbox_task() == 0
