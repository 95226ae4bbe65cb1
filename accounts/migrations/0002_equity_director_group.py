from django.db import migrations

EQUITY_DIRECTOR_GROUP = "Equity director"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EQUITY_DIRECTOR_GROUP).delete()


class Migration(migrations.Migration):
    """The "Equity director" permission group. Each app's own migrations add its permissions to it."""

    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_group, remove_group)]
