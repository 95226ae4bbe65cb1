from django.contrib.auth.management import create_permissions
from django.db import migrations

EQUITY_DIRECTOR_GROUP = "Equity director"
MODELS = ["plan", "planyear", "workstream", "actionitem", "progressupdate", "indicator", "measurement"]


def codenames():
    yield "edit_plan"
    for model in MODELS:
        for action in ("add", "change", "delete", "view"):
            yield f"{action}_{model}"


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so the group can hold them.
    app_config = apps.get_app_config("equity_plan")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="equity_plan", codename__in=list(codenames()))
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EQUITY_DIRECTOR_GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="equity_plan"))


class Migration(migrations.Migration):
    """Equity directors edit plans in the portal (edit_plan) and in the admin (model permissions)."""

    dependencies = [
        ("equity_plan", "0001_initial"),
        ("accounts", "0002_equity_director_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
