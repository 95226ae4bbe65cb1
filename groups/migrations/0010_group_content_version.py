"""Group.content_version, kept by PostgreSQL triggers: it moves whenever anything a group's page or card
shows changes, so pages rendered once for many viewers (belong.shared_pages) are keyed by it and never
need invalidating.

As with the plan's content_version (equity_plan 0004), triggers rather than signals: they see the
services, the admin, QuerySet.update(), bulk writes, the HR import's raw SQL and COPY. The group's own
BEFORE trigger assigns every number from one global sequence, so a number is never reused, even for a
group deleted and re-created with the same id, and a stale instance saved later cannot move it back.

What touches the group row (and so its number):
- the row itself (name, texts in every language, rules, colour, member_count kept by 0004's trigger);
- its eligible schools (the m2m table), and a school's rename (its name is in the eligibility reason and,
  for its members who work there, on the roster);
- any change to one of its memberships: joins and leaves already update member_count, and a statement
  trigger covers the rest (role, hidden, shown on the list, a request decided), once per statement, so
  hiding 25,000 members of a group turned confidential updates the group once, not 25,000 times;
- a member's name, e-mail, job role, school or active flag (names and roles are on the member list and
  the roster), but not the columns that move on every sign-in (last_login);
- its meetings and their dates (meetings 0004 adds those triggers: meetings depends on groups).
"""

from django.db import migrations, models

SQL = """
CREATE SEQUENCE groups_group_content_version;
SELECT setval('groups_group_content_version', (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
CREATE FUNCTION groups_group_next_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.content_version := nextval('groups_group_content_version');
    RETURN NEW;
END $$;
CREATE TRIGGER groups_group_content_version BEFORE INSERT OR UPDATE ON groups_group
    FOR EACH ROW EXECUTE FUNCTION groups_group_next_content_version();
UPDATE groups_group SET content_version = 0;

-- The directory's version is MAX(content_version). A deleted group leaves no row to renumber, so its
-- statement renumbers the first remaining group instead: the maximum moves all the same. No index on the
-- column: every join renumbers its group, and an indexed column changing makes each of those updates a
-- non-HOT one that writes every index of the table (its full-text GIN index included), ~5x the cost;
-- a scan of a few hundred group rows for the maximum costs less.
CREATE FUNCTION groups_group_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_group SET content_version = 0 WHERE id = (SELECT min(id) FROM groups_group);
    RETURN NULL;
END $$;
CREATE TRIGGER groups_group_deleted AFTER DELETE ON groups_group
    FOR EACH STATEMENT EXECUTE FUNCTION groups_group_deleted();

CREATE FUNCTION groups_touch_groups_of_schools() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE groups_group SET content_version = 0 WHERE id IN (SELECT group_id FROM new_rows);
    ELSE
        UPDATE groups_group SET content_version = 0 WHERE id IN (SELECT group_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER groups_group_eligible_schools_touch_insert AFTER INSERT ON groups_group_eligible_schools
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION groups_touch_groups_of_schools();
CREATE TRIGGER groups_group_eligible_schools_touch_delete AFTER DELETE ON groups_group_eligible_schools
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION groups_touch_groups_of_schools();

CREATE FUNCTION groups_touch_groups_of_renamed_schools() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_group SET content_version = 0 WHERE id IN (
        SELECT s.group_id FROM groups_group_eligible_schools s
        JOIN new_rows n ON n.id = s.school_id JOIN old_rows o ON o.id = n.id
        WHERE n.name IS DISTINCT FROM o.name
        UNION
        SELECT m.group_id FROM groups_membership m JOIN accounts_user u ON u.id = m.user_id
        JOIN new_rows n ON n.id = u.school_id JOIN old_rows o ON o.id = n.id
        WHERE n.name IS DISTINCT FROM o.name);
    RETURN NULL;
END $$;
CREATE TRIGGER groups_school_rename_touch AFTER UPDATE ON accounts_school
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION groups_touch_groups_of_renamed_schools();

CREATE FUNCTION groups_touch_groups_of_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_group SET content_version = 0
        WHERE id IN (SELECT group_id FROM new_rows UNION SELECT group_id FROM old_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER groups_membership_touch_update AFTER UPDATE ON groups_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION groups_touch_groups_of_memberships();

CREATE FUNCTION groups_touch_groups_of_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_group SET content_version = 0 WHERE id IN (
        SELECT m.group_id FROM groups_membership m
        JOIN new_rows n ON n.id = m.user_id JOIN old_rows o ON o.id = n.id
        WHERE (n.full_name, n.preferred_name, n.email, n.job_role, n.school_id, n.is_active)
            IS DISTINCT FROM (o.full_name, o.preferred_name, o.email, o.job_role, o.school_id, o.is_active));
    RETURN NULL;
END $$;
CREATE TRIGGER groups_user_touch AFTER UPDATE ON accounts_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION groups_touch_groups_of_people();
"""

REVERSE_SQL = """
DROP TRIGGER groups_user_touch ON accounts_user;
DROP FUNCTION groups_touch_groups_of_people();
DROP TRIGGER groups_membership_touch_update ON groups_membership;
DROP FUNCTION groups_touch_groups_of_memberships();
DROP TRIGGER groups_school_rename_touch ON accounts_school;
DROP FUNCTION groups_touch_groups_of_renamed_schools();
DROP TRIGGER groups_group_eligible_schools_touch_insert ON groups_group_eligible_schools;
DROP TRIGGER groups_group_eligible_schools_touch_delete ON groups_group_eligible_schools;
DROP FUNCTION groups_touch_groups_of_schools();
DROP TRIGGER groups_group_deleted ON groups_group;
DROP FUNCTION groups_group_deleted();
DROP TRIGGER groups_group_content_version ON groups_group;
DROP FUNCTION groups_group_next_content_version();
DROP SEQUENCE groups_group_content_version;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_name_order_index"),
        ("groups", "0009_group_colour"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="content_version",
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
