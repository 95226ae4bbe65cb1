import csv
import io

import pytest
from django.contrib.auth.models import Permission

from belong.models import AuditLog
from comments.models import Comment, CommentNote

from .factories import CommentFactory, TagFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/comments/comment/"


def change_url(comment):
    return f"{LIST}{comment.pk}/change/"


def test_the_director_group_holds_the_review_permission(director):
    assert director.has_perm("comments.review_comment")


def test_it_shows_the_director_the_list_with_status_topic_language_and_disclosure(client, director):
    CommentFactory(body="An anonymous comment about buses.")
    CommentFactory(disclosed=True, body="A signed comment about books.", language="es")
    client.force_login(director)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "An anonymous comment about buses." in page
    assert "A signed comment about books." in page
    assert "Español" in page or "es" in page


def test_it_refuses_other_staff_with_403(client, staff):
    staff.is_staff = True
    staff.save()
    comment = CommentFactory()
    client.force_login(staff)
    assert client.get(LIST).status_code == 403
    assert client.get(change_url(comment)).status_code == 403
    assert client.get("/admin/comments/topic/").status_code == 403
    assert client.get("/comment/review/").status_code == 403
    assert "Public comments" not in client.get("/admin/").content.decode()
    assert not AuditLog.objects.exists()


def test_it_refuses_staff_who_only_hold_a_model_permission(client, staff):
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    assert client.get(LIST).status_code == 403


def test_it_sends_signed_out_visitors_to_sign_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "login" in response["Location"]
    portal = client.get("/comment/review/")
    assert portal.status_code == 302
    assert "login" in portal["Location"]


def test_it_records_opening_a_comment_in_the_audit_log(client, director):
    comment = CommentFactory()
    client.force_login(director)
    assert client.get(change_url(comment)).status_code == 200
    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (director, "comments.view", str(comment.pk))


def test_it_saves_a_reply_shown_on_the_receipt_page_and_notes_and_tags(client, director):
    comment = CommentFactory()
    tag = TagFactory(name="Transportation")
    client.force_login(director)
    response = client.post(
        change_url(comment),
        {
            "status": "in_review",
            "tags": [tag.pk],
            "reply": "Thank you; the route is being reviewed.",
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
            "notes-0-body": "Call the transport office.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    comment.refresh_from_db()
    assert comment.reply == "Thank you; the route is being reviewed."
    assert comment.status == Comment.Status.ANSWERED
    assert list(comment.tags.all()) == [tag]
    note = CommentNote.objects.get()
    assert (note.body, note.author_name) == ("Call the transport office.", director.full_name)


def test_bulk_actions_change_status_and_dates(client, director):
    comments = CommentFactory.create_batch(3)
    client.force_login(director)
    response = client.post(LIST, {"action": "mark_closed", "_selected_action": [c.pk for c in comments[:2]]})
    assert response.status_code == 302
    closed = Comment.objects.filter(status=Comment.Status.CLOSED)
    assert closed.count() == 2
    assert all(c.closed_on for c in closed)
    client.post(LIST, {"action": "mark_new", "_selected_action": [comments[0].pk]})
    reopened = Comment.objects.get(pk=comments[0].pk)
    assert (reopened.status, reopened.closed_on) == (Comment.Status.NEW, None)


def test_it_exports_csv_with_identity_only_where_disclosed_and_audits_it(client, director):
    anonymous = CommentFactory(body='=HYPERLINK("http://evil.example")')
    disclosed = CommentFactory(disclosed=True)
    client.force_login(director)
    response = client.post(LIST, {"action": "export_csv", "_selected_action": [anonymous.pk, disclosed.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_id = {row["id"]: row for row in rows}
    assert by_id[str(disclosed.pk)]["email"] == "jordan.whitaker@example.org"
    assert by_id[str(disclosed.pk)]["name"] == "Jordan Whitaker"
    assert by_id[str(anonymous.pk)]["email"] == by_id[str(anonymous.pk)]["name"] == ""
    assert by_id[str(anonymous.pk)]["comment"].startswith("'=")  # not run as a spreadsheet formula
    entry = AuditLog.objects.get(action="comments.export")
    assert entry.actor == director and entry.detail == {"count": 2}


def test_other_staff_cannot_export(client, staff):
    staff.is_staff = True
    staff.save()
    comment = CommentFactory()
    client.force_login(staff)
    response = client.post(LIST, {"action": "export_csv", "_selected_action": [comment.pk]})
    assert response.status_code == 403
    assert not AuditLog.objects.exists()


def test_a_held_comment_cannot_be_deleted(client, director):
    held = CommentFactory(legal_hold=True)
    on_held_topic = CommentFactory(topic=TopicFactory(name="Held", legal_hold=True))
    client.force_login(director)
    assert client.get(f"{LIST}{held.pk}/delete/").status_code == 403
    assert client.get(f"{LIST}{on_held_topic.pk}/delete/").status_code == 403


def test_the_list_uses_a_constant_number_of_queries(client, director, django_assert_num_queries):
    tags = TagFactory.create_batch(2)
    for comment in CommentFactory.create_batch(5):
        comment.tags.set(tags)
    client.force_login(director)
    client.get(LIST)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    few = count_queries()
    for comment in CommentFactory.create_batch(40, topic=TopicFactory(name="Another topic")):
        comment.tags.set(tags)
    assert count_queries() == few
    # 2 x permissions (session and user come from the cache); the topic, tag and workstream filters'
    # choices; the capped count; one page of comments with their topics; their tags
    with django_assert_num_queries(8):
        client.get(LIST)


def test_the_list_never_counts_the_whole_table(client, director):
    CommentFactory.create_batch(3)
    client.force_login(director)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(LIST + "?status__exact=new")
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "comments_comment" in q["sql"]]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


def test_the_portal_overview_shows_counts_to_the_director(client, director, django_assert_num_queries):
    topic = TopicFactory(name="Curricula")
    CommentFactory.create_batch(2, topic=topic)
    CommentFactory(topic=topic, status=Comment.Status.CLOSED, closed_on="2026-01-01")
    client.force_login(director)
    response = client.get("/comment/review/")
    assert response.status_code == 200
    assert "Curricula" in response.content.decode()
    assert [t["total"] for t in response.context["topics"]] == [3]


def test_tags_link_comments_to_equity_plan_workstreams(client, director):
    from equity_plan.models import Plan, Workstream

    plan = Plan.objects.create(title="Equity plan", slug="equity-plan-test", start_year=2025, end_year=2028)
    workstream = Workstream.objects.create(plan=plan, title="Diverse educator recruitment", code="3")
    tag = TagFactory(name="Hiring", workstream=workstream)
    tagged = CommentFactory(body="Hire more bilingual counselors.")
    tagged.tags.add(tag)
    CommentFactory(body="Untagged comment.")
    client.force_login(director)
    page = client.get(f"{LIST}?tags__workstream__id__exact={workstream.pk}").content.decode()
    assert "Hire more bilingual counselors." in page
    assert "Untagged comment." not in page
    assert "Diverse educator recruitment" in client.get("/admin/comments/tag/").content.decode()
