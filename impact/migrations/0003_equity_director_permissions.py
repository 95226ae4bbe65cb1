from django.contrib.auth.management import create_permissions
from django.db import migrations

EQUITY_DIRECTOR_GROUP = "Equity director"
# The director words the participation record and chooses what "You said, we did" shows. Feedback rows
# have no admin at all.
CODENAMES = [
    "view_certificatesettings",
    "change_certificatesettings",
    "add_certificatesettings",
    "view_publishedreply",
    "add_publishedreply",
    "change_publishedreply",
    "delete_publishedreply",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now so they can be granted.
    app_config = apps.get_app_config("impact")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="impact", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EQUITY_DIRECTOR_GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="impact"))


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0002_published_replies"),
        ("accounts", "0002_equity_director_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
