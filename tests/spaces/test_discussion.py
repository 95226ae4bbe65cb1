"""Threads and replies, the edit window, deletion, moderation, reports and "a member"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from belong.models import AuditLog
from spaces import services
from spaces.models import Notification, Post, Report, Thread

pytestmark = pytest.mark.django_db


def _thread(world, **kwargs):
    return services.thread_start(group=world.group, title="Reading list", body="What next?", by=world.member, **kwargs)


def test_it_lets_members_start_and_reply(client, world):
    client.force_login(world.member)
    response = client.post("/spaces/harbor-readers/discussions/new/", {"title": "Reading list", "body": "Ideas?"})
    thread = Thread.objects.get()
    assert response.status_code == 302
    client.force_login(world.second)
    response = client.post(f"/spaces/harbor-readers/discussions/{thread.pk}/reply/", {"body": "Beloved"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.reply_count == 1
    # The thread's author hears of the reply; the notification names no one.
    assert Notification.objects.filter(user=world.member, kind="reply", thread=thread).exists()


def test_it_answers_a_script_reply_with_the_post_fragment(client, world):
    thread = _thread(world)
    client.force_login(world.second)
    response = client.post(
        f"/spaces/harbor-readers/discussions/{thread.pk}/reply/",
        {"body": "Hi *all*"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert "<em>all</em>" in response.content.decode() and "<html" not in response.content.decode()


def test_it_lets_the_author_edit_within_the_window_only(client, world, settings):
    thread = _thread(world)
    post = thread.posts.get()
    client.force_login(world.member)
    assert client.post(f"/spaces/harbor-readers/posts/{post.pk}/edit/", {"body": "Edited"}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Edited" and post.edited_at
    Post.objects.filter(pk=post.pk).update(created_at=post.created_at - timedelta(minutes=16))
    assert client.post(f"/spaces/harbor-readers/posts/{post.pk}/edit/", {"body": "Late"}).status_code == 403
    client.force_login(world.second)  # not theirs
    Post.objects.filter(pk=post.pk).update(created_at=post.created_at)
    assert client.post(f"/spaces/harbor-readers/posts/{post.pk}/edit/", {"body": "Mine now"}).status_code == 403


def test_it_lets_authors_delete_their_own_posts_only(client, world):
    thread = _thread(world)
    post = thread.posts.get()
    client.force_login(world.second)
    assert client.post(f"/spaces/harbor-readers/posts/{post.pk}/delete/").status_code == 403
    client.force_login(world.member)
    assert client.post(f"/spaces/harbor-readers/posts/{post.pk}/delete/").status_code == 302
    post.refresh_from_db()
    assert post.deleted_at and post.body == ""


def test_it_lets_a_member_report_and_the_lead_hide_with_a_reason(client, world, director):
    thread = _thread(world)
    reply = services.post_reply(thread=thread, body="Something unkind", by=world.second)
    client.force_login(world.third)
    assert client.post(f"/spaces/harbor-readers/posts/{reply.pk}/report/", {"reason": "Unkind"}).status_code == 302
    assert Report.objects.filter(post=reply, reporter=world.third).exists()
    # The leads and, for a normal group, the director hear of it.
    assert set(Notification.objects.filter(kind="report").values_list("user_id", flat=True)) == {
        world.lead.pk,
        director.pk,
    }
    client.force_login(world.lead)
    response = client.post(f"/spaces/harbor-readers/posts/{reply.pk}/hide/", {"reason": "Breaks the charter"})
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="spaces.post_hidden", actor=world.lead).exists()
    client.force_login(world.member)
    page = client.get(f"/spaces/harbor-readers/discussions/{thread.pk}/").content.decode()
    assert "Something unkind" not in page and "Hidden by the group" in page
    assert client.get(f"/spaces/harbor-readers/posts/{reply.pk}/report/").status_code == 404


def test_it_refuses_replies_to_a_locked_thread(client, world):
    thread = _thread(world)
    client.force_login(world.member)
    assert client.post(f"/spaces/harbor-readers/discussions/{thread.pk}/lock/").status_code == 403
    client.force_login(world.lead)
    assert client.post(f"/spaces/harbor-readers/discussions/{thread.pk}/lock/").status_code == 302
    client.force_login(world.second)
    client.post(f"/spaces/harbor-readers/discussions/{thread.pk}/reply/", {"body": "Late"})
    assert thread.posts.count() == 1


def test_it_shows_a_member_in_a_confidential_group_and_tells_only_the_leads_who(client, world):
    thread = services.thread_start(
        group=world.secret, title="Hard week", body="Venting", anonymous=True, by=world.secret_member
    )
    second = MembershipFactory_member(world)
    client.force_login(second)
    page = client.get(f"/spaces/quiet-cove/discussions/{thread.pk}/").content.decode()
    assert "Cai Quiet" not in page and "a member" in page
    client.force_login(world.secret_lead)
    page = client.get(f"/spaces/quiet-cove/discussions/{thread.pk}/").content.decode()
    assert "Cai Quiet" in page


def MembershipFactory_member(world):
    from tests.groups.factories import MembershipFactory

    return MembershipFactory(group=world.secret).user


def test_it_ignores_anonymity_in_a_normal_group(world):
    thread = _thread(world, anonymous=True)
    assert not thread.anonymous and not thread.posts.get().anonymous


def test_it_shows_the_director_counts_not_content_of_a_confidential_space(client, world, director):
    services.thread_start(group=world.secret, title="Private matter", body="Secret words", by=world.secret_member)
    client.force_login(director)
    page = client.get("/spaces/quiet-cove/").content.decode()
    assert "Private matter" not in page and "Cai Quiet" not in page
    assert client.get("/spaces/quiet-cove/discussions/").status_code == 403
    assert client.get("/spaces/harbor-readers/discussions/").status_code == 200


def test_it_offers_a_hidden_member_to_post_as_a_member_by_default(client, world):
    client.force_login(world.secret_member)  # joined while confidential: hidden
    page = client.get("/spaces/quiet-cove/discussions/new/").content.decode()
    assert re.search(r'<input type="checkbox" name="anonymous"[^>]* id="id_anonymous" checked>', page)
    client.force_login(world.member)  # a normal group: no such choice
    assert 'name="anonymous"' not in client.get("/spaces/harbor-readers/discussions/new/").content.decode()


def test_it_never_lets_a_post_of_another_group_be_hidden_reported_or_edited(client, world):
    """The attack: a lead of one group, or a member, reaching another group's post through their own space."""
    post = services.thread_start(group=world.secret, title="Private", body="x", by=world.secret_member).posts.get()
    client.force_login(world.lead)
    for action in ("hide", "report", "edit", "delete"):
        response = client.post(f"/spaces/harbor-readers/posts/{post.pk}/{action}/", {"reason": "x", "body": "x"})
        assert response.status_code == 404, action
    post.refresh_from_db()
    assert not post.hidden_at and not post.deleted_at and post.body == "x"
