"""Invisible characters cannot disguise a comment in the director's review, and none are lost."""

import pytest

from comments import hidden
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/comments/comment/"
RLO, PDF, ZWSP, LRI, PDI = "\u202e", "\u202c", "\u200b", "\u2066", "\u2069"
# Reads "I fully support the plan" on screen; what was written ends "nalp eht troppus yllu".
DISGUISED = f"I {RLO}nalp eht troppus ylluf{PDF} not.\nSecond line with a hidden{ZWSP}space and {LRI}isolate{PDI}."


def test_it_keeps_what_was_written_through_the_public_form(submit):
    assert submit(body=DISGUISED).status_code == 200
    assert Comment.objects.get().body == DISGUISED


def test_it_shows_every_hidden_character_to_the_reviewer_as_a_marker(client, director):
    comment = CommentFactory(body=DISGUISED)
    client.force_login(director)
    page = client.get(f"{LIST}{comment.pk}/change/").content.decode()
    assert "This comment contains 5 hidden formatting characters." in page
    for marker in ("⟦U+202E⟧", "⟦U+202C⟧", "⟦U+200B⟧", "⟦U+2066⟧", "⟦U+2069⟧"):
        assert marker in page
    assert 'title="RIGHT-TO-LEFT OVERRIDE"' in page
    for char in (RLO, PDF, ZWSP, LRI, PDI):
        assert char not in page  # the page itself carries none of them, so none can act
    assert "nalp eht troppus ylluf" in page
    assert "Second line" in page


def test_it_shows_markers_in_the_review_list_and_for_a_disclosed_name(client, director):
    comment = CommentFactory(body=DISGUISED, disclosed=True, disclosed_name=f"Ann{RLO}eeS")
    client.force_login(director)
    listed = client.get(LIST).content.decode()
    assert "I ⟦U+202E⟧nalp eht" in listed
    assert RLO not in listed
    page = client.get(f"{LIST}{comment.pk}/change/").content.decode()
    assert "Ann⟦U+202E⟧eeS" in page
    assert RLO not in page


def test_it_adds_no_note_to_an_ordinary_comment_and_escapes_html(client, director):
    comment = CommentFactory(body="Plain text with <b>tags</b> and\ttabs.\n\nNew paragraph. مرحبا")
    client.force_login(director)
    page = client.get(f"{LIST}{comment.pk}/change/").content.decode()
    assert "hidden formatting" not in page
    assert "&lt;b&gt;tags&lt;/b&gt;" in page
    assert "مرحبا" in page  # right-to-left writing is text, not a hidden character


def test_it_names_the_hidden_character_classes():
    assert hidden.hidden_count("a\u0007b\u00adc\u2028d\u200de\n\tf") == 4  # BEL, soft hyphen, LS, ZWJ
    assert hidden.reveal_text("x\u202ey") == "x⟦U+202E⟧y"
    assert hidden.reveal_text("") == ""
    assert "<mark" in hidden.reveal_html("\x00")
