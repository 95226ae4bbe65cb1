import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_home_page_signed_out(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Skip to main content" in response.content
    assert b"Staff sign-in" in response.content


def test_it_serves_the_accessibility_statement(client):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert b"Report a barrier" in response.content
