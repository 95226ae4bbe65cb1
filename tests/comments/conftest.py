import re

import pytest

from comments import protection

from .factories import TopicFactory


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    # Admin MFA has its own tests; here it would only send every reviewer to the TOTP setup page.
    settings.ADMIN_REQUIRES_MFA = False
    settings.COMMENT_FORM_MIN_SECONDS = 0
    # The browser's proof of work, kept cheap here: the Python solver below stands in for the script.
    settings.COMMENT_POW_DIFFICULTY = 8


@pytest.fixture
def topic(db):
    return TopicFactory(name="Proposed educational equity policy")


@pytest.fixture
def submit(client, topic):
    """Post the public form the way a browser would: a fresh form token, its proof of work solved as the
    page's script would (pow="" posts as a browser without JavaScript), plus the given fields."""

    def post(client_=None, *, token=None, pow=None, **fields):
        data = {"topic": topic.pk, "body": "Please publish progress every year.", "form_token": token, "pow": pow}
        data.update(fields)
        if data["form_token"] is None:
            data["form_token"] = protection.new_form_token()
        if data["pow"] is None:
            parsed = protection.read_form_token(data["form_token"])
            data["pow"] = protection.solve_pow(parsed) if parsed else ""
        extra = {key: data.pop(key) for key in list(data) if key.isupper()}
        return (client_ or client).post("/comment/", {k: v for k, v in data.items() if v is not None}, **extra)

    return post


RECEIPT_RE = re.compile(r"\b(\d{4}-\d{4}-\d{4}-\d{4})\b")


def receipt_from(response) -> str:
    match = RECEIPT_RE.search(response.content.decode())
    assert match, "no receipt code on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def _review_permission_granted(db):
    """The director group and its review permission, as the data migration leaves them.

    Tests elsewhere that use `transactional_db` flush every table, data migrations' rows included,
    and --reuse-db carries that into the next run; granting again here keeps these tests independent.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("comments.migrations.0002_review_permission").grant(apps, None)
