"""A group's content_version (groups 0010) moves with its meetings and their dates too: the group page
lists the next ones. Statement triggers, once per statement: a series of 40 dates touches its group once.
Django deletes a meeting's occurrences before the meeting, so the join finds the group while they go.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION meetings_touch_groups_of_meetings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE groups_group SET content_version = 0 WHERE id IN (SELECT group_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE groups_group SET content_version = 0 WHERE id IN (SELECT group_id FROM old_rows);
    ELSE
        UPDATE groups_group SET content_version = 0
            WHERE id IN (SELECT group_id FROM new_rows UNION SELECT group_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION meetings_touch_groups_of_occurrences() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE groups_group SET content_version = 0 WHERE id IN (
            SELECT m.group_id FROM new_rows r JOIN meetings_meeting m ON m.id = r.meeting_id);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE groups_group SET content_version = 0 WHERE id IN (
            SELECT m.group_id FROM old_rows r JOIN meetings_meeting m ON m.id = r.meeting_id);
    ELSE
        UPDATE groups_group SET content_version = 0 WHERE id IN (
            SELECT m.group_id FROM new_rows r JOIN meetings_meeting m ON m.id = r.meeting_id
            UNION SELECT m.group_id FROM old_rows r JOIN meetings_meeting m ON m.id = r.meeting_id);
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = []
for table, function in (
    ("meetings_meeting", "meetings_touch_groups_of_meetings"),
    ("meetings_occurrence", "meetings_touch_groups_of_occurrences"),
):
    TRIGGERS.append(f"""
CREATE TRIGGER {table}_touch_group_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_touch_group_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_touch_group_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
""")

REVERSE_SQL = """
DROP TRIGGER meetings_meeting_touch_group_insert ON meetings_meeting;
DROP TRIGGER meetings_meeting_touch_group_update ON meetings_meeting;
DROP TRIGGER meetings_meeting_touch_group_delete ON meetings_meeting;
DROP TRIGGER meetings_occurrence_touch_group_insert ON meetings_occurrence;
DROP TRIGGER meetings_occurrence_touch_group_update ON meetings_occurrence;
DROP TRIGGER meetings_occurrence_touch_group_delete ON meetings_occurrence;
DROP FUNCTION meetings_touch_groups_of_meetings();
DROP FUNCTION meetings_touch_groups_of_occurrences();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0010_group_content_version"),
        ("meetings", "0003_content_in_every_language"),
    ]

    operations = [migrations.RunSQL(SQL + "".join(TRIGGERS), REVERSE_SQL)]
