"""The comment form guides people the GOV.UK way: a summary of what to fix, linked to each field, an
"Error:" title, fields marked invalid, and the server's messages (never the browser's) in the page's language."""

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def _summary(page: str) -> str:
    match = re.search(r'<div class="alert alert-danger error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_it_opens_with_a_summary_linking_each_field_in_error(submit):
    page = submit(topic="", body="", disclose="on").text
    summary = _summary(page)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "There is a problem" in summary
    assert '<a class="alert-link" href="#id_topic">Choose the topic your comment is about.</a>' in summary
    assert '<a class="alert-link" href="#id_body">Write your comment before sending it.</a>' in summary
    assert 'href="#id_disclose">To disclose your identity' in summary
    # The summary comes before the form, in the fields' order.
    assert page.index("error-summary") < page.index('<form method="post"')
    assert summary.index("#id_topic") < summary.index("#id_body") < summary.index("#id_disclose")


def test_it_says_error_in_the_title(submit, client):
    assert re.search(r"<title>Error: Share a comment", submit(topic="").text)
    assert re.search(r"<title>Share a comment", client.get("/comment/").text)


def test_it_marks_the_fields_in_error(submit):
    page = submit(body="").text
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert "is-invalid" in textarea
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="id_body_helptext id_body_error"' in textarea
    assert "required" in textarea  # kept for assistive technology; the form itself is novalidate
    assert re.search(
        r'<div id="id_body_error" class="invalid-feedback[^"]*"><p class="mb-0">'
        r'<span class="visually-hidden">Error: </span>Write your comment before sending it.</p></div>',
        page,
    )
    assert not re.search(r"<select[^>]*id=\"id_topic\"[^>]*is-invalid", page)


def test_it_leaves_checking_to_the_server(client, topic):
    page = client.get("/comment/").text
    form = re.search(r'<form method="post" action="(?:/[a-z-]+)?/comment/"[^>]*>', page).group(0)
    assert "novalidate" in form
    assert re.search(r'<select name="topic"[^>]*required', page)
    assert "data-error-summary" not in page


def test_it_explains_in_the_pages_language(submit):
    with translation.override("es"):
        page = submit(topic="", body="", HTTP_ACCEPT_LANGUAGE="es").text
    assert "Write your comment before sending it." not in page
    assert 'lang="es"' in page


def test_it_words_every_refusal_itself_so_each_can_be_translated(submit):
    # Django has no catalog for some of the page's languages (Haitian Creole): its defaults would stay English.
    page = submit(disclose="on", name="N" * 300, email=f"{'a' * 250}@example.com", relationship="alien").text
    summary = _summary(page)
    assert "Shorten your name to 200 characters or fewer." in summary
    assert "Shorten the e-mail address to 254 characters or fewer" in summary
    assert "Choose one of the options in the list." in summary
    assert "Ensure this value" not in page and "Select a valid choice" not in page
