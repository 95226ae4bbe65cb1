from django.contrib.auth.management import create_permissions
from django.db import migrations

EQUITY_DIRECTOR_GROUP = "Equity director"

# The director composes groups' eligibility and decides proposals; Membership rows of confidential
# groups stay hidden from them in the admin (see groups.admin), so "view" here is not "see names".
PERMISSIONS = {
    "group": ["add", "change", "view"],
    "membership": ["change", "view"],
    "groupproposal": ["change", "view"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; create them now to grant them.
    app_config = apps.get_app_config("groups")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    director, _ = apps.get_model("auth", "Group").objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    director.permissions.add(*Permission.objects.filter(content_type__app_label="groups", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    director = apps.get_model("auth", "Group").objects.filter(name=EQUITY_DIRECTOR_GROUP).first()
    if director:
        director.permissions.remove(*Permission.objects.filter(content_type__app_label="groups"))


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_proposals_and_search"),
        ("accounts", "0002_equity_director_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
