"""The one way forms say what went wrong: the error summary, the field template and the "Error:" title."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from belong.templatetags.belong_forms import error_title_prefix, summary_entries


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As colleagues know you.")
    colour = forms.ChoiceField(label="Colour", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label="Topics", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        if self.data.get("name") == "taken":
            raise forms.ValidationError("That combination is not possible.")
        return super().clean()


def render(template: str, **context) -> str:
    return Template("{% load crispy_forms_filters belong_forms %}" + template).render(Context(context))


def invalid(**data) -> ExampleForm:
    form = ExampleForm(data)
    assert not form.is_valid()
    return form


def test_it_lists_form_wide_errors_first_then_links_each_field_to_its_input():
    form = invalid(name="taken")
    entries = [(entry.message, entry.target) for entry in summary_entries(form)]
    assert entries == [
        ("That combination is not possible.", ""),
        ("This field is required.", "id_colour_0"),  # a radio group: its first option
        ("This field is required.", "id_topics_0"),
        ("This field is required.", "id_agree"),
        ("This field is required.", ""),  # a hidden field has nothing to move to
    ]


def test_it_renders_the_summary_at_the_top_of_a_crispy_form():
    page = render("{{ form|crispy }}", form=invalid())
    summary = re.search(r'<div class="alert alert-danger error-summary"[^>]*>.*?</div>', page, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert "There is a problem" in summary
    assert re.findall(r'href="#([^"]+)"', summary) == ["id_name", "id_colour_0", "id_topics_0", "id_agree"]
    assert page.index("error-summary") < page.index('id="id_name"')


def test_it_marks_each_field_in_error_and_ties_the_message_to_it():
    page = render("{{ form|crispy }}", form=invalid())
    name = re.search(r'<input type="text"[^>]*id="id_name"[^>]*>', page).group(0)
    assert "is-invalid" in name and 'aria-invalid="true"' in name and "required" in name
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert re.search(
        r'<div id="id_name_error" class="invalid-feedback[^"]*"><p class="mb-0">'
        r'<span class="visually-hidden">Error: </span>This field is required.</p></div>',
        page,
    )
    # A radio group is a fieldset named by its legend and described by its error.
    fieldset = re.search(r'<fieldset id="div_id_colour"[^>]*>', page).group(0)
    assert 'aria-describedby="id_colour_error"' in fieldset
    assert re.search(r'<legend class="form-label fs-6">Colour', page)
    assert re.search(r'<input type="radio"[^>]*is-invalid[^>]*id="id_colour_0"[^>]*aria-invalid="true"', page)


def test_it_shows_nothing_for_a_form_not_yet_sent_or_sent_correctly():
    assert "error-summary" not in render("{{ form|crispy }}", form=ExampleForm())
    valid = ExampleForm({"name": "Ana", "colour": "red", "topics": ["a"], "agree": "on", "token": "t"})
    assert valid.is_valid()
    page = render("{{ form|crispy }}", form=valid)
    assert "error-summary" not in page and "is-invalid" not in page and "aria-invalid" not in page


def test_it_summarises_several_forms_of_one_page_and_takes_an_introduction():
    page = render('{% error_summary first second intro="Nothing was saved." %}', first=invalid(), second=None)
    assert "Nothing was saved." in page
    assert page.count("<li>") == 5


def test_it_prefixes_the_title_only_when_a_form_came_back_with_errors():
    assert error_title_prefix(Context({"form": invalid()})) == "Error: "
    assert error_title_prefix(Context({"form": ExampleForm()})) == ""
    # A bound form the view never checked is not validated by the title (its checks may have side effects).
    unchecked = ExampleForm({})
    assert error_title_prefix(Context({"form": unchecked})) == ""
    assert unchecked._errors is None


@pytest.mark.django_db
def test_it_does_not_evaluate_the_csrf_token_while_looking_for_forms():
    # The comment form promises no cookie: touching the lazy token would set one.
    # With no form in error, every value of the context is looked at, the context processors' among them.
    request = RequestFactory().get("/")
    context = RequestContext(request, {"form": ExampleForm()})
    with context.bind_template(Template("")):
        assert "csrf_token" in context
        assert error_title_prefix(context) == ""
    assert "CSRF_COOKIE" not in request.META


@pytest.mark.django_db
def test_it_says_error_in_the_page_title(client, staff):
    client.force_login(staff)
    page = client.post("/groups/propose/", {"name": "", "purpose": ""}).content.decode()
    assert re.search(r"<title>Error: Propose a group", page)
    assert re.search(r"<title>Propose a group", client.get("/groups/propose/").content.decode())
