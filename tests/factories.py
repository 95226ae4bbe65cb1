"""Factories shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group as PermissionGroup

from accounts.models import EQUITY_DIRECTOR_GROUP, JobRole, School, User

PASSWORD = "correct-horse-battery-42"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Maple Grove School {n}")
    code = factory.Sequence(lambda n: f"maple-grove-{n}")
    address = factory.Sequence(lambda n: f"{100 + n} Elm Street, Riverside")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@district.example")
    full_name = factory.Faker("name")
    job_role = JobRole.TEACHER
    school = factory.SubFactory(SchoolFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        # District staff arrive through the HR import with a verified address (extracted=False: not yet).
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class AdministratorFactory(UserFactory):
    job_role = JobRole.PRINCIPAL


class DirectorFactory(UserFactory):
    job_role = JobRole.DISTRICT_ADMINISTRATOR
    is_staff = True

    @factory.post_generation
    def director_group(obj, create, extracted, **kwargs):
        if create:
            # get_or_create: a transactional test's flush removes the group its data migration made.
            group, _created = PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
            obj.groups.add(group)


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True
