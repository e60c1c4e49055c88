import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers (liveness and readiness probes)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


logger = logging.getLogger(__name__)
_schema_current = False  # once the schema matches this code it stays so for the life of the process


def _pending_migrations() -> int:
    global _schema_current
    if _schema_current:
        return 0
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _schema_current = pending == 0
    return pending


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from marketplace.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # reported, not fatal: pages still work without background tasks
        logger.warning("readyz: broker unreachable: %s", exc)
        return "unreachable"
    return "ok"


def _search_status() -> str:
    from marketplace.search.selectors import search_backend
    from marketplace.search.services import search_uses_external_index

    if not search_uses_external_index():
        return "postgresql"
    try:
        return "ok" if search_backend().ping() else "unreachable"
    except Exception as exc:  # reported, not fatal: one failing shared service must not empty the pool
        logger.warning("readyz: search unreachable: %s", exc)
        return "unreachable"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when the database answers and its schema is this code's (a pod of a new release waits
    for the migration job). Broker and search are reported but do not fail the probe: they are shared by
    every pod, so failing on them would take the whole site out instead of only its search or tasks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        pending = _pending_migrations()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    body = {
        "status": "ok" if not pending else "migrating",
        "database": "ok",
        "pending_migrations": pending,
        "broker": _broker_status(),
        "search": _search_status(),
    }
    return JsonResponse(body, status=200 if not pending else 503)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /cart/",
        "Disallow: /checkout/",
        "Disallow: /account/",
        "Disallow: /seller/",
        "Disallow: /admin/",
        "Disallow: /orders/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
