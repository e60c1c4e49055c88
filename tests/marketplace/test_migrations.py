"""Migrations that have landed never change, and the database's own functions and triggers are exactly
what the latest migration defining each says. docs/testing.md: how a new migration joins the lock file."""

import hashlib
import re
from pathlib import Path

import pytest
import sqlparse
from django.db import connection, migrations, transaction
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent.parent
LOCK = ROOT / "marketplace" / "migrations.lock"
PROJECT_APPS = ("marketplace", "catalog_import", "storefront")

CREATE_FUNCTION = re.compile(r"^CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?:public\.)?(\w+)\s*\(", re.I)
DROP_FUNCTION = re.compile(r"^DROP\s+FUNCTION\s+(?:IF\s+EXISTS\s+)?(?:public\.)?(\w+)", re.I)
CREATE_TRIGGER = re.compile(
    r"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+(\w+)\s.*?\sON\s+(?:public\.)?(\w+)",
    re.I | re.S,
)
LEADING_COMMENTS = re.compile(r"^(?:\s*--[^\n]*\n)*\s*")
DROP_TRIGGER = re.compile(r"^DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s+ON\s+(?:public\.)?(\w+)", re.I)


def _locked() -> dict[str, str]:
    entries = {}
    for line in LOCK.read_text().splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            entries[path.strip()] = digest
    return entries


def _migration_files() -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for app in PROJECT_APPS
        for path in (ROOT / app).glob("**/migrations/[0-9]*.py")
    }


def test_landed_migrations_are_unchanged():
    locked = _locked()
    changed = [
        path
        for path, digest in locked.items()
        if not (ROOT / path).exists() or hashlib.sha256((ROOT / path).read_bytes()).hexdigest() != digest
    ]
    assert not changed, (
        f"landed migrations were edited or removed: {changed}. Never edit a landed migration: put the change "
        "in a new one (a changed database function or trigger too)."
    )


def test_every_migration_is_in_the_lock_file():
    unlisted = sorted(_migration_files() - set(_locked()))
    assert not unlisted, (
        f"new migrations not in marketplace/migrations.lock: {unlisted}. Once final, append them: "
        "`sha256sum " + " ".join(unlisted) + " >> marketplace/migrations.lock` (see docs/testing.md)."
    )


def _statements(operation: migrations.RunSQL) -> list[str]:
    sql = operation.sql
    if isinstance(sql, str):
        sql = [sql]
    parts = [item[0] if isinstance(item, list | tuple) else item for item in sql]
    # As written (executed again below); only leading comment lines are dropped, for the patterns above.
    return [LEADING_COMMENTS.sub("", s) for part in parts for s in sqlparse.split(part)]


def _defined_by_migrations() -> tuple[dict, dict]:
    """{function name: (migration, CREATE statement)} and {(trigger, table): (migration, CREATE statement)}
    as the last migration (in the order `migrate` applies them) left them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    functions: dict[str, tuple[str, str]] = {}
    triggers: dict[tuple[str, str], tuple[str, str]] = {}
    for key in plan:
        migration = loader.graph.nodes[key]
        label = f"{key[0]}.{key[1]}"
        for operation in migration.operations:
            if not isinstance(operation, migrations.RunSQL):
                continue
            for statement in _statements(operation):
                if match := CREATE_FUNCTION.match(statement):
                    functions[match[1]] = (label, statement)
                elif match := DROP_FUNCTION.match(statement):
                    functions.pop(match[1], None)
                elif match := CREATE_TRIGGER.match(statement):
                    triggers[(match[1], match[2])] = (label, statement)
                elif match := DROP_TRIGGER.match(statement):
                    triggers.pop((match[1], match[2]), None)
    return functions, triggers


def _database_definitions() -> tuple[dict, dict]:
    """Our functions (public schema, not an extension's) and triggers, as PostgreSQL prints them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.proname, pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            """
        )
        functions = dict(cursor.fetchall())
        cursor.execute(
            """
            SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid)
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname = 'public'
            """
        )
        triggers = {(name, table): definition for name, table, definition in cursor.fetchall()}
    return functions, triggers


@pytest.mark.django_db
def test_database_functions_and_triggers_are_what_the_latest_migrations_define():
    functions, triggers = _defined_by_migrations()
    in_database, triggers_in_database = _database_definitions()
    assert set(in_database) == set(functions)
    assert set(triggers_in_database) == set(triggers)
    assert functions and triggers  # the search documents are kept by both

    # Run each latest CREATE again and compare what PostgreSQL prints before and after: any difference
    # means the database holds something no migration wrote (or a migration was edited after it ran).
    with transaction.atomic():
        with connection.cursor() as cursor:
            for _label, statement in functions.values():
                replace = re.sub(r"^CREATE\s+FUNCTION", "CREATE OR REPLACE FUNCTION", statement, flags=re.I)
                cursor.execute(replace)
            for (name, table), (_label, statement) in triggers.items():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
                cursor.execute(statement)
        redefined, triggers_redefined = _database_definitions()
        transaction.set_rollback(True)
    for name, (label, _statement) in functions.items():
        assert in_database[name] == redefined[name], f"function {name} differs from its SQL in {label}"
    for key, (label, _statement) in triggers.items():
        assert triggers_in_database[key] == triggers_redefined[key], f"trigger {key[0]} differs from {label}"


@pytest.mark.django_db
def test_a_function_or_trigger_changed_outside_the_migrations_is_caught():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
            "AS $$ SELECT lower(value) $$"
        )
    with pytest.raises(AssertionError, match=r"function search_fold differs from its SQL in search\.0001"):
        test_database_functions_and_triggers_are_what_the_latest_migrations_define()


@pytest.mark.django_db
def test_a_dropped_trigger_is_caught():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_doc_catalog_stock_update ON catalog_stock")
    with pytest.raises(AssertionError, match="search_doc_catalog_stock_update"):
        test_database_functions_and_triggers_are_what_the_latest_migrations_define()
