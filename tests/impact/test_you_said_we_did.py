"""'You said, we did': consent on the comment form, publishing replies, the public page and its counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comments.models import Comment
from impact import services
from impact.models import PublishedReply
from tests.comments.factories import CommentFactory
from tests.equity_plan.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def test_it_records_the_writers_consent_on_the_comment_form_and_nothing_more(submit):
    assert submit(publish_consent="on", body="Quote me, please.").status_code == 200
    assert submit(body="Do not quote me.").status_code == 200
    assert dict(Comment.objects.values_list("body", "publish_consent")) == {
        "Quote me, please.": True,
        "Do not quote me.": False,
    }
    assert not any(field.get_internal_type() == "DateTimeField" for field in Comment._meta.concrete_fields)


def test_it_publishes_only_replied_comments_whose_writers_agreed(director):
    quiet = CommentFactory(publish_consent=False, reply="We hear you.")
    unanswered = CommentFactory(publish_consent=True, reply="")
    with pytest.raises(services.NotPublishable, match="did not agree"):
        services.reply_publish(comment=quiet, plan_items=[], by=director)
    with pytest.raises(services.NotPublishable, match="Reply to the comment"):
        services.reply_publish(comment=unanswered, plan_items=[], by=director)
    assert not PublishedReply.objects.exists()


def test_it_shows_published_replies_next_to_their_plan_items_in_every_language(client, director, topic):
    item = ActionItemFactory(title="Bilingual family nights")
    comment = CommentFactory(
        topic=topic,
        publish_consent=True,
        body="Hold meetings in Spanish too.",
        reply="Family nights are now bilingual.",
        disclosed_name="",
    )
    services.reply_publish(comment=comment, plan_items=[item], by=director)
    CommentFactory(publish_consent=True, body="Not chosen.", reply="Thanks.")
    page = client.get("/you-said-we-did/").content.decode()
    assert "Hold meetings in Spanish too." in page and "Family nights are now bilingual." in page
    assert "Bilingual family nights" in page and item.get_absolute_url() in page
    assert "Not chosen." not in page
    for language in ("es", "ar", "zh-hans", "vi", "pt", "ht"):
        assert client.get("/you-said-we-did/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200


def test_it_counts_comments_by_topic_per_quarter_and_hides_counts_under_5(client, topic):
    today = timezone.localdate()
    for _ in range(6):
        CommentFactory(topic=topic, submitted_on=today)
    other = CommentFactory(submitted_on=today).topic
    page = client.get("/you-said-we-did/").content.decode()
    assert f"{topic.name}</th>" in page
    row = page.split(f"{other.name}</th>")[1].split("</tr>")[0]
    assert "fewer than 5" in row
    assert '<td class="text-end">6</td>' in page.split(f"{topic.name}</th>")[1].split("</tr>")[0]


def test_it_pins_the_queries_of_the_public_page(client, director, topic, django_assert_num_queries):
    def publish(count):
        for index in range(count):
            comment = CommentFactory(topic=topic, publish_consent=True, reply=f"Reply {index}")
            services.reply_publish(comment=comment, plan_items=[ActionItemFactory(), ActionItemFactory()], by=director)

    publish(1)
    client.get("/you-said-we-did/")
    with django_assert_num_queries(4) as few:
        assert client.get("/you-said-we-did/").status_code == 200
    publish(6)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/you-said-we-did/").status_code == 200


def test_it_lets_the_director_publish_a_reply_in_the_admin_and_refuses_one_without_consent(client, settings):
    from tests.conftest import reapply_data_migrations
    from tests.factories import DirectorFactory

    settings.ADMIN_REQUIRES_MFA = False
    reapply_data_migrations()
    director = DirectorFactory()
    item = ActionItemFactory(title="Bilingual family nights")
    agreed = CommentFactory(publish_consent=True, reply="Family nights are now bilingual.")
    declined = CommentFactory(publish_consent=False, reply="Thanks.")
    client.force_login(director)
    refused = client.post(
        "/admin/impact/publishedreply/add/", {"comment": str(declined.pk), "plan_items": str(item.pk)}
    )
    assert "did not agree to this comment being quoted" in refused.content.decode()
    done = client.post("/admin/impact/publishedreply/add/", {"comment": str(agreed.pk), "plan_items": str(item.pk)})
    assert done.status_code == 302
    entry = PublishedReply.objects.get()
    assert entry.comment == agreed and list(entry.plan_items.all()) == [item] and entry.published_by == director
