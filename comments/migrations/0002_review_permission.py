from django.contrib.auth.management import create_permissions
from django.db import migrations

EQUITY_DIRECTOR_GROUP = "Equity director"
# Review is all-or-nothing: comments.review_comment gates the whole app (see comments/admin.py).
# The model permissions are granted too so the group reads naturally in the admin.
CODENAMES = [
    "review_comment", "view_comment", "change_comment",
    "add_topic", "change_topic", "view_topic", "add_tag", "change_tag", "view_tag", "delete_tag",
    "add_commentnote", "change_commentnote", "view_commentnote", "delete_commentnote",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now so they can be granted.
    app_config = apps.get_app_config("comments")
    # Migration-state app configs are stubs without models_module; create_permissions needs it truthy.
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="comments", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EQUITY_DIRECTOR_GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="comments"))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("accounts", "0002_equity_director_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
