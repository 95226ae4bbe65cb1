from django.db import migrations

HR_GROUP = "HR"
HR_PERMISSIONS = [
    ("import_staff", "Can import the staff roster from HR"),
    ("view_user", "Can view staff member"),
]


def grant_hr(apps, schema_editor):
    # Permissions are normally created after migrate; create them here so the grant works on a fresh database.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    for codename, name in HR_PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke_hr(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=HR_GROUP).first()
    if group:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="accounts", codename__in=[c for c, _ in HR_PERMISSIONS])
        )


class Migration(migrations.Migration):
    """The HR import permission, given to the "HR" permission group (created here if missing)."""

    dependencies = [
        ("accounts", "0002_equity_director_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [("import_staff", "Can import the staff roster from HR")],
                "verbose_name": "staff member",
                "verbose_name_plural": "staff",
            },
        ),
        migrations.RunPython(grant_hr, revoke_hr),
    ]
