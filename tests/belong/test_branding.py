"""District branding from the site settings: a primary colour white text stays readable on, and a logo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from belong import branding
from belong.admin import SiteSettingsForm
from belong.models import SiteSettings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("value", "expected"), [("#2b3a67", "#2b3a67"), ("2B3A67", "#2b3a67"), ("#000", "#000000")])
def test_it_accepts_a_dark_enough_colour_as_lowercase_hex(value, expected):
    assert branding.normalize_primary_color(value) == expected


@pytest.mark.parametrize("value", ["#ffcc00", "#ffffff", "#3399ff", "#767777"])
def test_it_refuses_a_colour_white_text_is_unreadable_on_and_suggests_a_darker_one(value):
    with pytest.raises(branding.ValidationError) as refused:
        branding.normalize_primary_color(value)
    message = refused.value.messages[0]
    assert "at least 4.5:1" in message
    suggestion = message.split("for example ")[1].split(" ")[0]
    assert branding.contrast_with_white(branding.parse_hex(suggestion)) >= 4.5


@pytest.mark.parametrize("value", ["", "blue", "#12345", "#gggggg", "rgb(0,0,0)"])
def test_it_explains_the_format_of_a_colour_it_cannot_read(value):
    with pytest.raises(branding.ValidationError, match="six hexadecimal digits"):
        branding.normalize_primary_color(value)


def _form(**changes):
    data = {
        "district_name": "Riverside Unified School District",
        "non_discrimination_statement": "Open to all.",
        "contact_email": "belong@district.example",
        "contact_name": "Office of Equity",
        "primary_color": "#1f4e79",
        **changes,
    }
    files = {"logo_upload": changes.pop("logo")} if "logo" in changes else {}
    data.pop("logo", None)
    return SiteSettingsForm(data=data, files=files, instance=SiteSettings.current())


@pytest.mark.django_db
def test_it_shows_a_clear_message_for_a_light_colour_in_the_settings_form():
    form = _form(primary_color="#ffcc00")
    assert not form.is_valid()
    assert "White text on #ffcc00 has a contrast of only 1.5:1" in form.errors["primary_color"][0]


@pytest.mark.django_db
def test_it_applies_a_saved_colour_through_a_custom_property_in_every_page(client):
    _form(primary_color="#1F4E79").save()
    home = client.get("/").content.decode()
    settings_row = SiteSettings.current()
    assert f'href="/branding.css?v={settings_row.branding_version}"' in home
    css = client.get("/branding.css")
    assert css["Content-Type"].startswith("text/css")
    assert css.content.decode().strip() == ":root { --belong-primary: #1f4e79; }"


@pytest.mark.django_db
def test_it_serves_an_uploaded_logo_safely_and_shows_it_in_the_header(client):
    form = _form(logo=SimpleUploadedFile("logo.png", PNG, content_type="image/png"))
    assert form.is_valid(), form.errors
    form.save()
    digest = SiteSettings.current().logo_digest
    assert digest
    assert f'src="/branding/logo?v={digest}"' in client.get("/").content.decode()
    logo = client.get("/branding/logo")
    assert logo["Content-Type"] == "image/png"
    assert logo["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in logo["Content-Security-Policy"]
    assert logo.content == PNG


@pytest.mark.django_db
def test_it_refuses_an_svg_logo_which_could_carry_script():
    form = _form(logo=SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"))
    assert not form.is_valid()
    assert "SVG files are not accepted" in form.errors["logo_upload"][0]


@pytest.mark.django_db
def test_it_removes_the_logo_when_asked(client):
    _form(logo=SimpleUploadedFile("logo.png", PNG)).save()
    _form(remove_logo="on").save()
    assert client.get("/branding/logo").status_code == 404
    assert "/branding/logo" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_it_saves_branding_through_the_admin(client, superuser, settings):
    settings.ADMIN_REQUIRES_MFA = False
    client.force_login(superuser)
    SiteSettings.current()
    data = {
        "district_name": "Riverside",
        # The translated fields have a column per language (the admin's tabs); English is required.
        "non_discrimination_statement_en": "Open to all.",
        "contact_email": "belong@district.example",
        "contact_name_en": "Office",
        "primary_color": "#ffcc00",
        "logo_upload": io.BytesIO(b""),
    }
    del data["logo_upload"]
    refused = client.post("/admin/belong/sitesettings/1/change/", data)
    assert refused.status_code == 200
    assert "it needs at least 4.5:1" in refused.content.decode()
    saved = client.post("/admin/belong/sitesettings/1/change/", {**data, "primary_color": "#8a6d00"})
    assert saved.status_code == 302
    assert SiteSettings.current().primary_color == "#8a6d00"
