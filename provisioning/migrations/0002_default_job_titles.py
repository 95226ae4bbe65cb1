"""Common US district job titles and OneRoster roles, as a starting table the district edits in the admin."""

from django.db import migrations

DEFAULTS = {
    # OneRoster 1.1/1.2 staff roles
    "teacher": "teacher",
    "aide": "paraeducator",
    "proctor": "paraeducator",
    "counselor": "counselor",
    "administrator": "district_administrator",
    "siteAdministrator": "principal",
    "districtAdministrator": "district_administrator",
    "systemAdministrator": "technology",
    "principal": "principal",
    # Titles HR and identity systems commonly carry
    "Classroom Teacher": "teacher",
    "Special Education Teacher": "teacher",
    "Paraprofessional": "paraeducator",
    "Instructional Aide": "paraeducator",
    "Teacher Aide": "paraeducator",
    "School Counselor": "counselor",
    "Guidance Counselor": "counselor",
    "School Social Worker": "social_worker",
    "School Nurse": "nurse",
    "Library Media Specialist": "librarian",
    "Interventionist": "specialist",
    "Speech-Language Pathologist": "specialist",
    "School Psychologist": "specialist",
    "Instructional Coach": "coach",
    "Secretary": "office",
    "Administrative Assistant": "office",
    "Custodian": "facilities",
    "Cafeteria Worker": "food_service",
    "Bus Driver": "transportation",
    "Technology Specialist": "technology",
    "Substitute Teacher": "substitute",
    "Assistant Principal": "assistant_principal",
    "Vice Principal": "assistant_principal",
    "Superintendent": "superintendent",
    "Deputy Superintendent": "superintendent",
    "Director": "district_administrator",
}


def seed(apps, schema_editor):
    JobTitleMapping = apps.get_model("provisioning", "JobTitleMapping")
    for title, job_role in DEFAULTS.items():
        if not JobTitleMapping.objects.filter(title__iexact=title).exists():
            JobTitleMapping.objects.create(title=title, job_role=job_role)


class Migration(migrations.Migration):
    dependencies = [("provisioning", "0001_scim_tokens_identities_job_titles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
