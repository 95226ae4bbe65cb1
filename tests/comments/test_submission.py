import pytest
from django.contrib.sessions.models import Session

from accounts import user_cache
from belong.sessions import SessionStore
from comments.models import Comment, Topic

from .conftest import receipt_from
from .factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_with_limits_and_the_privacy_statement(client, topic):
    response = client.get("/comment/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "anonymous unless you choose to disclose your identity" in page
    assert "Up to 5,000 characters." in page
    assert "internet (IP) address" in page
    assert "school or work network" in page
    assert topic.name in page
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_it_lists_only_open_topics(client, topic):
    TopicFactory(name="Last year's survey", is_open=False)
    page = client.get("/comment/").content.decode()
    assert "Last year&#x27;s survey" not in page
    assert topic.name in page


def test_it_says_when_no_topic_is_open(client, db):
    response = client.get("/comment/")
    assert "not collecting comments right now" in response.content.decode()


def test_it_stores_an_anonymous_comment_and_shows_the_receipt_once(submit, topic):
    response = submit(body="The late bus does not reach our street.")
    assert response.status_code == 200
    code = receipt_from(response)
    comment = Comment.objects.get()
    assert comment.topic == topic
    assert comment.body == "The late bus does not reach our street."
    assert comment.language == "en"
    assert comment.status == Comment.Status.NEW
    assert not comment.identity_disclosed
    assert (comment.disclosed_name, comment.disclosed_email, comment.disclosed_relationship) == ("", "", "")
    assert code.replace("-", "") not in comment.receipt_hash
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_it_stores_the_page_language_with_the_comment(submit):
    submit(HTTP_ACCEPT_LANGUAGE="es")
    assert Comment.objects.get().language == "es"


def test_it_stores_a_disclosed_identity_only_when_the_box_is_ticked(submit):
    submit(disclose="on", name="Jordan Whitaker", email="jordan@example.org", relationship="parent")
    comment = Comment.objects.get()
    assert comment.identity_disclosed
    assert (comment.disclosed_name, comment.disclosed_email, comment.disclosed_relationship) == (
        "Jordan Whitaker",
        "jordan@example.org",
        "parent",
    )


def test_it_stores_nothing_of_a_signed_in_member_and_leaves_their_session_alone(client, submit, staff, monkeypatch):
    client.force_login(staff)
    session_before = Session.objects.values_list("session_key", "session_data", "expire_date").get()
    loads = []
    original_load = SessionStore.load
    monkeypatch.setattr(SessionStore, "load", lambda self: loads.append(1) or original_load(self))
    user_cache.forget(staff.pk)  # so that a cached user after the visit could only come from the visit

    page = client.get("/comment/")
    response = submit(body="Signed in, but this should be anonymous.")

    assert loads == []  # the session was never even read
    # Nor the signed-in user: Redis gets no entry (with its expiry, a time) from writing a comment.
    assert user_cache.get(staff.pk) is None
    assert not page.cookies and not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert staff.full_name not in response.content.decode()
    assert "Staff sign-in" in response.content.decode()  # the page treats everyone as signed out
    assert Session.objects.values_list("session_key", "session_data", "expire_date").get() == session_before
    comment = Comment.objects.get()
    assert not comment.identity_disclosed
    stored = " ".join(str(getattr(comment, f.attname)) for f in Comment._meta.concrete_fields)
    assert staff.email not in stored
    assert staff.full_name not in stored
    # The member is still signed in afterwards.
    assert client.get("/").context["user"] == staff


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": ""}, "body", "Write your comment before sending it."),
        ({"body": "   \n  "}, "body", "Write your comment before sending it."),
        ({"body": "\x00\x07\x1b"}, "body", "Write your comment before sending it."),
        ({"body": "x" * 5001}, "body", "the limit is 5000"),
        ({"topic": "999999"}, "topic", "That topic is not open for comments."),
        ({"topic": "not-a-number"}, "topic", "That topic is not open for comments."),
        ({"topic": ""}, "topic", "Choose the topic your comment is about."),
        ({"disclose": "on", "email": "jordan@"}, "email", "Enter a complete e-mail address"),
        ({"disclose": "on"}, "disclose", "give your name or e-mail address"),
        ({"name": "Jordan"}, "disclose", "did not tick this box"),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(submit, fields, field, message):
    typed = {"body": "My carefully written comment.", **fields}
    response = submit(**typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert response.context["form"].errors[field]
    if typed["body"].strip() and len(typed["body"]) < 5001 and "\x00" not in typed["body"]:
        assert typed["body"] in page
    if len(typed["body"]) == 5001:
        assert "x" * 5001 in page
    if "email" in fields:
        assert 'value="jordan@"' in page
    if "name" in fields:
        assert 'value="Jordan"' in page
    assert Comment.objects.count() == 0


def test_it_keeps_the_topic_choice_when_another_field_is_wrong(submit, topic):
    response = submit(body="")
    assert f'<option value="{topic.pk}" selected>' in response.content.decode()


def test_it_drops_invisible_control_characters_from_the_comment_and_name(submit):
    submit(body="Line one\r\nLine\x0b two\x00\x1b[31m", disclose="on", name="Jor\x07dan\nW")
    comment = Comment.objects.get()
    assert comment.body == "Line one\nLine two[31m"
    assert comment.disclosed_name == "Jordan W"


def test_it_refuses_a_closed_topic(submit):
    closed = TopicFactory(name="Closed topic", is_open=False)
    response = submit(topic=closed.pk)
    assert "That topic is not open for comments." in response.content.decode()
    assert Comment.objects.count() == 0


def test_it_refuses_a_filled_honeypot_and_keeps_the_text(submit):
    response = submit(body="Buy cheap things", website="http://spam.example")
    assert "Leave this field empty" in response.content.decode()
    assert "Buy cheap things" in response.content.decode()
    assert Comment.objects.count() == 0


def test_it_refuses_a_post_without_a_genuine_form_token(submit):
    response = submit(token="forged")
    assert "could not be checked" in response.content.decode()
    assert "Please publish progress every year." in response.content.decode()
    assert Comment.objects.count() == 0


def test_it_refuses_a_post_sent_faster_than_a_person_could(submit, settings):
    settings.COMMENT_FORM_MIN_SECONDS = 60
    response = submit()
    assert "very quick" in response.content.decode()
    assert Comment.objects.count() == 0


def test_it_accepts_each_form_token_once(submit):
    from comments import protection

    token = protection.new_form_token()
    assert submit(token=token).status_code == 200
    again = submit(token=token)
    assert "already sent" in again.content.decode()
    assert Comment.objects.count() == 1


def test_it_refuses_posts_from_another_site(submit):
    assert submit(HTTP_ORIGIN="https://evil.example").status_code == 403
    assert submit(HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert Comment.objects.count() == 0


def test_it_accepts_the_null_origin_that_no_referrer_pages_send(submit):
    assert submit(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    assert submit(HTTP_ORIGIN="http://testserver").status_code == 200
    assert Comment.objects.count() == 2


def test_it_works_without_cookies_and_sets_none(client, submit):
    client.cookies.clear()
    response = submit()
    assert response.status_code == 200
    assert not response.cookies
    assert Comment.objects.count() == 1


def test_it_answers_other_methods_with_405(client, db):
    assert client.put("/comment/").status_code == 405


def test_it_renders_the_form_in_a_constant_number_of_queries(client, django_assert_num_queries, topic):
    for n in range(10):
        TopicFactory(name=f"Topic {n}")
    # The first view reads the site settings, the open topics' names and renders the page with the topics'
    # options; later views find the settings and the names in the cache in one round trip, and the page
    # kept in the process under them (comments.views._empty_form_page): no query.
    client.get("/comment/")
    with django_assert_num_queries(0):
        client.get("/comment/")


def test_it_shows_a_topic_change_on_the_next_view(client, topic):
    first = TopicFactory(name="Bus routes", position=1)
    client.get("/comment/")

    first.name = "School bus routes"
    first.save()
    assert "School bus routes" in client.get("/comment/").text

    first.is_open = False
    first.save()
    assert "School bus routes" not in client.get("/comment/").text

    TopicFactory(name="Family engagement nights", position=2)
    assert "Family engagement nights" in client.get("/comment/").text

    Topic.objects.get(name="Family engagement nights").delete()
    assert "Family engagement nights" not in client.get("/comment/").text


def test_it_keeps_each_languages_topic_names_apart(client, topic):
    TopicFactory(name_en="Bus routes", name_es="Rutas de autobús", position=1)

    assert "Bus routes" in client.get("/comment/").text
    spanish = client.get("/es/comment/").text

    assert "Rutas de autobús" in spanish
    assert "Bus routes" not in spanish


def test_a_submission_takes_a_fixed_number_of_queries(client, submit, django_assert_num_queries):
    client.get("/comment/")  # the site settings are cached from here on
    # topic lookup; the service's transaction and the savepoint that lets it redraw a colliding receipt
    # (both savepoints inside the test's transaction), opened and released; the insert
    with django_assert_num_queries(6):
        submit()
