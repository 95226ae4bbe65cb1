"""Privacy matrix: who sees which names, for a normal and a confidential group, in the portal and the admin."""

import pytest

from tests.factories import DirectorFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["listed_member", "hidden_member", "lead", "other_groups_lead", "staff", "director", "superuser", "anonymous"]


@pytest.fixture
def casts(normal, confidential):
    return {"normal": normal, "confidential": confidential}


def _viewer(name, casts, kind):
    cast = casts[kind]
    other = casts["confidential" if kind == "normal" else "normal"]
    return {
        "listed_member": lambda: cast.member_listed,
        "hidden_member": lambda: cast.member_hidden,
        "lead": lambda: cast.lead,
        "other_groups_lead": lambda: other.lead,
        "staff": UserFactory,
        "director": DirectorFactory,
        "superuser": SuperuserFactory,
        "anonymous": lambda: None,
    }[name]()


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    """The page without its header, which greets the signed-in viewer by name."""
    return response.content.decode().split("<main", 1)[-1]


def _names(cast):
    return {
        "lead": cast.lead.full_name,
        "listed": cast.member_listed.full_name,
        "hidden": cast.member_hidden.full_name,
    }


# Which names the group page shows: (lead, opted-in member, opted-out member).
GROUP_PAGE = {
    "normal": {
        "listed_member": (True, True, False),
        "hidden_member": (True, True, False),
        "lead": (True, True, False),
        "other_groups_lead": (True, False, False),
        "staff": (True, False, False),
        "director": (True, True, False),
        "superuser": (True, True, False),
    },
    "confidential": {
        "listed_member": (True, True, False),
        "hidden_member": (True, True, False),
        "lead": (True, True, False),
        "other_groups_lead": (False, False, False),
        "staff": (False, False, False),
        "director": (False, False, False),
        "superuser": (False, False, False),
    },
}


@pytest.mark.parametrize("kind", ["normal", "confidential"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_it_shows_the_group_pages_member_list_only_to_whom_it_should(client, casts, kind, viewer):
    cast = casts[kind]
    response = _client_for(client, _viewer(viewer, casts, kind)).get(f"/groups/{cast.group.slug}/")
    if viewer == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    names = _names(cast)
    expected = GROUP_PAGE[kind][viewer]
    main = _main(response)
    shown = tuple(names[key] in main for key in ("lead", "listed", "hidden"))
    assert shown == expected
    assert "3 members" in response.text  # counts are for everyone


ROSTER_ALLOWED = {
    "normal": {"lead", "director", "superuser"},
    "confidential": {"lead"},
}


@pytest.mark.parametrize("kind", ["normal", "confidential"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_it_shows_the_roster_only_to_leads_and_for_normal_groups_the_director(client, casts, kind, viewer):
    cast = casts[kind]
    response = _client_for(client, _viewer(viewer, casts, kind)).get(f"/groups/{cast.group.slug}/roster/")
    if viewer == "anonymous":
        assert response.status_code == 302
        return
    if viewer in ROSTER_ALLOWED[kind]:
        assert response.status_code == 200
        for name in _names(cast).values():
            assert name in response.text
    else:
        assert response.status_code == 403
        for name in _names(cast).values():
            assert name not in _main(response)


@pytest.mark.parametrize("kind", ["normal", "confidential"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_it_exports_the_roster_only_to_whom_may_see_it(client, casts, kind, viewer):
    cast = casts[kind]
    url = f"/groups/{cast.group.slug}/roster.csv"
    response = _client_for(client, _viewer(viewer, casts, kind)).post(url, {"purpose": "Sign-in sheet for March"})
    if viewer == "anonymous":
        assert response.status_code == 302
        return
    if viewer in ROSTER_ALLOWED[kind]:
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode()
        for name in _names(cast).values():
            assert name in body
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("kind", ["normal", "confidential"])
@pytest.mark.parametrize("viewer", ["director", "superuser"])
def test_it_never_lists_confidential_members_in_the_admin(client, casts, kind, viewer):
    cast = casts[kind]
    client.force_login(_viewer(viewer, casts, kind))
    listing = client.get("/admin/groups/membership/")
    group_page = client.get(f"/admin/groups/group/{cast.group.pk}/change/")
    assert listing.status_code == 200
    assert group_page.status_code == 200
    names = _names(cast).values()
    if kind == "normal":
        assert all(name in listing.text for name in names)
        assert cast.member_listed.email in group_page.text or cast.member_listed.full_name in group_page.text
    else:
        assert not any(name in listing.text for name in names)
        assert not any(name in group_page.text for name in names)
        assert cast.group.name not in listing.text  # not even in the filter sidebar
        # Counts, not names.
        assert ">3<" in client.get("/admin/groups/group/").text.replace(" ", "")


def test_it_will_not_open_a_confidential_membership_in_the_admin_by_its_address(client, confidential):
    client.force_login(SuperuserFactory())
    response = client.get(f"/admin/groups/membership/{confidential.listed_membership.pk}/change/", follow=True)
    assert confidential.member_listed.full_name not in _main(response)


def test_it_hides_who_leads_a_confidential_group_from_the_welcome_and_directory(client, confidential):
    client.force_login(UserFactory())
    assert confidential.lead.full_name not in _main(client.get("/groups/"))


def test_it_counts_but_never_names_in_the_directors_overview(client, normal, confidential):
    client.force_login(DirectorFactory())
    response = client.get("/groups/overview/")
    assert response.status_code == 200
    for cast in (normal, confidential):
        for name in _names(cast).values():
            assert name not in _main(response)


@pytest.mark.parametrize("viewer", ["listed_member", "lead", "staff"])
def test_it_keeps_the_overview_for_the_director(client, casts, viewer):
    client.force_login(_viewer(viewer, casts, "normal"))
    assert client.get("/groups/overview/").status_code == 403


def test_it_lets_a_member_choose_to_be_listed(client, normal):
    client.force_login(normal.member_hidden)
    client.post(f"/groups/{normal.group.slug}/visibility/", {"visible_to_members": "on"})
    normal.hidden_membership.refresh_from_db()
    assert normal.hidden_membership.visible_to_members
    client.force_login(normal.member_listed)
    assert normal.member_hidden.full_name in client.get(f"/groups/{normal.group.slug}/").text

    client.force_login(normal.member_hidden)
    client.post(f"/groups/{normal.group.slug}/visibility/", {})
    normal.hidden_membership.refresh_from_db()
    assert not normal.hidden_membership.visible_to_members


def test_it_404s_the_visibility_switch_for_someone_not_in_the_group(client, normal):
    client.force_login(UserFactory())
    assert client.post(f"/groups/{normal.group.slug}/visibility/", {"visible_to_members": "on"}).status_code == 404
