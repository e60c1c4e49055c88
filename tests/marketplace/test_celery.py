"""A real Celery worker, in its own process, against the Redis on 127.0.0.1 and the test database.

Runs when CELERY_TEST_BROKER_URL (set by .ci/run when Redis answers on 127.0.0.1:6379) or CELERY_BROKER_URL
is set; skipped with the reason otherwise. The worker consumes a queue of its own, so other workers on the
same Redis never see these messages and this worker never sees theirs. Checked through it: the daily
certificate expiry, search re-indexing, a decision import from the inbox, and JSON log lines.
"""

import datetime
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery import Celery
from celery.result import allow_join_result

from marketplace.certification.models import Certification, CertificationState
from marketplace.search.models import DirtyProduct
from tests.factories import CertificationFactory, DecisionFactory, ProductFactory
from tests.processes import subprocess_database_url

ROOT = Path(__file__).resolve().parent.parent.parent
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or ""
TASK_TIMEOUT = 60


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2
        ) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(
        not BROKER_URL,
        reason="NOTICE: no CELERY_TEST_BROKER_URL / CELERY_BROKER_URL; Celery worker test skipped "
        "(.ci/run sets it when Redis answers on 127.0.0.1:6379)",
    ),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """Starts `celery -A marketplace worker` on the test database; yields (client app, queue name)."""
    if not _redis_answers(BROKER_URL):
        pytest.skip(f"NOTICE: the Celery broker {BROKER_URL} does not answer; worker test skipped")
    queue = f"ocop-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    inbox = tmp_path_factory.mktemp("decisions-inbox")
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": BROKER_URL,
        "MARKETPLACE_DATA_DIR": str(tmp_path_factory.mktemp("worker-data")),
        "LOG_FORMAT": "json",
        "DECISIONS_INBOX": str(inbox),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "marketplace",
        "worker",
        "--pool=solo",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    # Not the current app: later tests in this process must keep sending to the project's (eager) app.
    client = Celery("ocop-worker-test", broker=BROKER_URL, backend=BROKER_URL, set_as_current=False)
    client.conf.task_default_queue = queue
    try:
        yield client, queue, process, log_path, inbox
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        client.close()


def run_in_worker(worker, task_name: str, *args, **kwargs):
    client, queue, process, log_path, _inbox = worker
    result = client.send_task(task_name, args=args, kwargs=kwargs, queue=queue)
    deadline = time.monotonic() + TASK_TIMEOUT
    while not result.ready():
        if process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}):\n{log_path.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{task_name} did not finish in {TASK_TIMEOUT}s:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.1)
    # Eager tasks run by other threads in this process (live servers, the concurrency tests) can leave
    # Celery's process-wide "inside a task" flag set; this is the client, never a task.
    with allow_join_result():
        return result.get(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_expiry_runs_in_the_worker(worker):
    today = datetime.date.today()
    lapsed = CertificationFactory(
        decision=DecisionFactory(date=today - datetime.timedelta(days=40 * 31)),
        valid_until=today - datetime.timedelta(days=3),
    )
    current = CertificationFactory()

    expired = run_in_worker(worker, "marketplace.certification.tasks.expire_certifications_task")

    assert expired == 1
    assert Certification.objects.get(pk=lapsed.pk).state == CertificationState.EXPIRED
    assert Certification.objects.get(pk=current.pk).state == CertificationState.ACTIVE
    # Idempotent: a redelivered message changes nothing.
    assert run_in_worker(worker, "marketplace.certification.tasks.expire_certifications_task") == 0


@pytest.mark.django_db(transaction=True)
def test_search_reindex_runs_in_the_worker(worker):
    products = ProductFactory.create_batch(3)
    DirtyProduct.objects.bulk_create(
        DirtyProduct(product_id=product.pk, marked_at=product.created_at) for product in products
    )

    handled = run_in_worker(worker, "marketplace.search.tasks.search_index_dirty_task")

    assert handled == 3
    assert not DirtyProduct.objects.exists()
    assert run_in_worker(worker, "marketplace.search.tasks.search_index_dirty_task") == 0


@pytest.mark.django_db(transaction=True)
def test_decision_import_runs_in_the_worker(worker):
    """Beat's inbox task: a decision dropped into DECISIONS_INBOX is imported by the worker."""
    from catalog_import.models import ImportRun, RunStatus
    from tests.catalog_import import decision_files as df
    from tests.catalog_import.test_import_decision import days_ago, songma_rows, songma_title

    inbox = worker[4]
    df.write_xlsx(inbox / "songma.xlsx", df.HEADER, songma_rows(), title=songma_title(days_ago(60)))

    assert run_in_worker(worker, "catalog_import.tasks.scan_decisions_inbox_task") == 1

    assert [p.name for p in (inbox / "done").iterdir()] == ["songma.xlsx"]
    run = ImportRun.objects.get()
    assert run.status == RunStatus.APPLIED
    assert Certification.objects.filter(state=CertificationState.ACTIVE).count() == 7
    # Dropped again: recognised by its checksum, not imported twice (idempotent).
    (inbox / "done" / "songma.xlsx").rename(inbox / "songma.xlsx")
    assert run_in_worker(worker, "catalog_import.tasks.scan_decisions_inbox_task") == 1
    assert ImportRun.objects.count() == 1


def test_worker_logs_are_json_lines(worker):
    run_in_worker(worker, "marketplace.search.tasks.search_index_dirty_task")
    log_path = worker[3]
    records = []
    for line in log_path.read_text().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    succeeded = [r for r in records if r["logger"] == "celery.app.trace" and "succeeded" in r["message"]]
    assert succeeded, log_path.read_text()[-2000:]
    assert set(succeeded[0]) >= {"time", "level", "logger", "message"}
