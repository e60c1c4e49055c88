"""The ledger is append-only in the database too: a trigger refuses UPDATE and DELETE of any row (TRUNCATE,
which only test flushes use, is left alone)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION money_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'money_ledgerentry is append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER money_ledger_append_only BEFORE UPDATE OR DELETE ON money_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION money_ledger_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS money_ledger_append_only ON money_ledgerentry;
DROP FUNCTION IF EXISTS money_ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("money", "0001_ledger_commission_refunds_payouts_bank_notifications")]

    operations = [migrations.RunSQL(CREATE, DROP)]
