"""Plan.content_version, kept by PostgreSQL triggers rather than by Django signals.

Triggers see every write: the services, the admin and its inlines, QuerySet.update(), bulk_create(),
the collector's fast deletes, raw SQL, COPY (bench/generate.py) and data migrations. Signals miss all
but the first two, and a plan saved from a stale instance would write an old number back. Here the
plan's own BEFORE trigger assigns every number, so nothing the ORM writes can move it backwards.

Numbers come from one global sequence: a plan deleted and re-created (e.g. restored from its
history) with the same id still gets a number no cached fragment was ever stored under. The sequence
starts at the current time in milliseconds, so unapplying and re-applying this migration does not
hand out numbers again either (restoring an older database backup can: clear the cache after one).

Child tables use statement-level triggers with transition tables: a bulk insert of 2,000 items bumps
the plan once, not 2,000 times. Django deletes children before their parents, so a deleted row's
workstream / item / indicator still exists when its statement's trigger runs.
"""

from django.db import migrations, models

# How to find the plan ids of a set of rows ("{rows}" is a transition table) for each child table.
PLAN_IDS = {
    "equity_plan_planyear": "SELECT r.plan_id FROM {rows} r",
    "equity_plan_workstream": "SELECT r.plan_id FROM {rows} r",
    "equity_plan_actionitem": (
        "SELECT w.plan_id FROM {rows} r JOIN equity_plan_workstream w ON w.id = r.workstream_id"
    ),
    "equity_plan_progressupdate": (
        "SELECT w.plan_id FROM {rows} r JOIN equity_plan_actionitem i ON i.id = r.item_id"
        " JOIN equity_plan_workstream w ON w.id = i.workstream_id"
    ),
    "equity_plan_indicator": (
        "SELECT w.plan_id FROM {rows} r JOIN equity_plan_workstream w ON w.id = r.workstream_id"
    ),
    "equity_plan_measurement": (
        "SELECT w.plan_id FROM {rows} r JOIN equity_plan_indicator d ON d.id = r.indicator_id"
        " JOIN equity_plan_workstream w ON w.id = d.workstream_id"
    ),
}

PLAN_SQL = """
CREATE SEQUENCE equity_plan_content_version;
SELECT setval('equity_plan_content_version', (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
CREATE FUNCTION equity_plan_next_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.content_version := nextval('equity_plan_content_version');
    RETURN NEW;
END $$;
CREATE TRIGGER equity_plan_plan_content_version BEFORE INSERT OR UPDATE ON equity_plan_plan
    FOR EACH ROW EXECUTE FUNCTION equity_plan_next_content_version();
UPDATE equity_plan_plan SET content_version = 0;
"""

PLAN_REVERSE_SQL = """
DROP TRIGGER equity_plan_plan_content_version ON equity_plan_plan;
DROP FUNCTION equity_plan_next_content_version();
DROP SEQUENCE equity_plan_content_version;
"""


def child_sql(table: str) -> str:
    select = PLAN_IDS[table]
    function = f"{table}_touch_plan"
    # Touching the plan row is enough: its BEFORE trigger assigns the next number.
    touch = "UPDATE equity_plan_plan SET content_version = 0 WHERE id IN ({ids});"
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {touch.format(ids=select.format(rows="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {touch.format(ids=select.format(rows="old_rows"))}
    ELSE
        {touch.format(ids=select.format(rows="new_rows") + " UNION " + select.format(rows="old_rows"))}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {table}_touch_plan_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_touch_plan_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_touch_plan_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


def child_reverse_sql(table: str) -> str:
    return "".join(f"DROP TRIGGER {table}_touch_plan_{op} ON {table};\n" for op in ("insert", "update", "delete")) + (
        f"DROP FUNCTION {table}_touch_plan();\n"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('equity_plan', '0003_actionitem_meetings'),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='content_version',
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.RunSQL(PLAN_SQL, PLAN_REVERSE_SQL),
        *(migrations.RunSQL(child_sql(table), child_reverse_sql(table)) for table in PLAN_IDS),
    ]
