"""The director composes a group's eligibility in the admin; changes are kept in its history."""

import pytest

from accounts.models import JobRole
from groups.models import Group
from tests.factories import DirectorFactory, SchoolFactory, UserFactory

from .factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _form_data(group, **changes):
    data = {
        # One field per language (django-modeltranslation); the district's language is required.
        "name_en": group.name,
        "slug": group.slug,
        "summary_en": group.summary,
        "status": group.status,
        "focus": group.focus,
        "description_en": group.description,
        "mission_en": "",
        "goals_en": "",
        "audience_en": "",
        "charter_en": "",
        "charter_adopted_on": "",
        "contact_email": "",
        "join_policy": group.join_policy,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_it_lets_the_director_compose_eligibility_and_keeps_the_history(client):
    group = GroupFactory()
    site = SchoolFactory()
    client.force_login(DirectorFactory())
    url = f"/admin/groups/group/{group.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "job role and site only" in page.text
    response = client.post(
        url,
        _form_data(
            group,
            excludes_administrators="on",
            eligible_roles=[JobRole.TEACHER, JobRole.COUNSELOR],
            eligible_schools=[site.pk],
            join_policy=Group.JoinPolicy.APPROVAL,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.excludes_administrators
    assert group.eligible_roles == [JobRole.TEACHER, JobRole.COUNSELOR]
    assert list(group.eligible_schools.all()) == [site]
    assert group.history.count() == 2
    assert client.get(f"/admin/groups/group/{group.pk}/history/").status_code == 200


def test_it_rejects_a_reserved_web_address(client):
    group = GroupFactory()
    client.force_login(DirectorFactory())
    response = client.post(f"/admin/groups/group/{group.pk}/change/", _form_data(group, slug="overview"))
    assert response.status_code == 200
    assert "used by another page" in response.text


def test_it_rejects_an_unknown_job_role(client):
    group = GroupFactory()
    client.force_login(DirectorFactory())
    response = client.post(f"/admin/groups/group/{group.pk}/change/", _form_data(group, eligible_roles=["astronaut"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_it_shows_a_normal_groups_members_inline_to_the_director(client):
    group = GroupFactory()
    MembershipFactory(group=group, user=UserFactory(full_name="Inline Person"))
    client.force_login(DirectorFactory())
    assert "Inline Person" in client.get(f"/admin/groups/group/{group.pk}/change/").text
