import pytest
from django.db import connection

from comments import receipts, services
from comments.models import Comment

from .conftest import receipt_from

pytestmark = pytest.mark.django_db


def test_it_draws_sixteen_random_digits_grouped_for_reading():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 and code.isdigit() for code in codes)
    assert receipts.display("1234567890123456") == "1234-5678-9012-3456"


def test_it_shows_status_and_reply_for_the_right_code(client, submit):
    code = receipt_from(submit())
    comment = Comment.objects.get()
    services.comment_review(comment_id=comment.pk, status="in_review", reply="We read every comment.", legal_hold=False)
    for typed in (code, code.replace("-", ""), code.replace("-", " ")):
        page = client.post("/comment/receipt/", {"code": typed}).content.decode()
        assert "Answered" in page
        assert "We read every comment." in page
        assert comment.topic.name in page


def test_it_shows_a_plain_status_when_there_is_no_reply_yet(client, submit):
    code = receipt_from(submit())
    page = client.post("/comment/receipt/", {"code": code}).content.decode()
    assert "New" in page and "There is no reply yet." in page


def test_it_gives_the_same_neutral_answer_for_every_wrong_code(client, submit):
    real = receipt_from(submit())
    wrong_codes = ["0000-0000-0000-0000", "9999-8888-7777-6666", real[:-1] + str((int(real[-1]) + 1) % 10)]
    answers = set()
    for code in wrong_codes:
        response = client.post("/comment/receipt/", {"code": code})
        assert response.status_code == 200
        answers.add(response.content.decode().replace(code, "CODE"))
    assert len(answers) == 1
    assert "could not find a comment with that code" in answers.pop()


def test_it_explains_a_code_of_the_wrong_length(client, db):
    response = client.post("/comment/receipt/", {"code": "1234"})
    assert response.status_code == 200
    assert "A receipt code has 16 digits." in response.content.decode()


def test_it_stores_only_a_keyed_hash_of_the_code(client, submit):
    code = receipt_from(submit()).replace("-", "")
    comment = Comment.objects.get()
    assert comment.receipt_hash == receipts.hash_code(code)
    assert comment.receipt_hash != __import__("hashlib").sha256(code.encode()).hexdigest()  # keyed, not plain
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM comments_comment AS t")
        assert code not in cursor.fetchone()[0]


def test_it_finds_receipts_issued_before_the_secret_key_was_rotated(client, submit, settings):
    code = receipt_from(submit())
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test"
    assert "There is no reply yet." in client.post("/comment/receipt/", {"code": code}).content.decode()


def test_the_receipt_page_sets_no_cookie_and_is_not_cached(client, db):
    for response in (client.get("/comment/receipt/"), client.post("/comment/receipt/", {"code": "1" * 16})):
        assert not response.cookies
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"


def test_a_receipt_lookup_takes_one_query(client, submit, django_assert_num_queries):
    code = receipt_from(submit())
    client.post("/comment/receipt/", {"code": code})  # the site settings are cached from here on
    with django_assert_num_queries(1):
        client.post("/comment/receipt/", {"code": code})
