"""Group.member_count, kept by a trigger on groups_membership and backfilled from the memberships.

A trigger rather than the services: the admin's membership inline, the HR import and a shell all write
memberships too, and a count that drifts is worse than none. Each join or leave updates its group's row
in the same transaction, so concurrent joins to one group queue briefly on that row, never miscount.
"""

from django.db import migrations, models

COUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION groups_membership_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.group_id = OLD.group_id
            AND (NEW.status = 'active') = (OLD.status = 'active') THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
        UPDATE groups_group SET member_count = member_count - 1 WHERE id = OLD.group_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'active' THEN
        UPDATE groups_group SET member_count = member_count + 1 WHERE id = NEW.group_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER groups_membership_count
    AFTER INSERT OR DELETE OR UPDATE OF status, group_id ON groups_membership
    FOR EACH ROW EXECUTE FUNCTION groups_membership_count();
"""

DROP_FUNCTION = """
DROP TRIGGER IF EXISTS groups_membership_count ON groups_membership;
DROP FUNCTION IF EXISTS groups_membership_count();
"""

BACKFILL = """
UPDATE groups_group g SET member_count = coalesce(
    (SELECT count(*) FROM groups_membership m WHERE m.group_id = g.id AND m.status = 'active'), 0);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0003_equity_director_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="member_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="members"),
        ),
        migrations.RunSQL(COUNT_FUNCTION, DROP_FUNCTION),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
