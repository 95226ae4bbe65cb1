"""The one way a form tells people what went wrong (the GOV.UK error pattern).

- ``{% error_summary form [other_form …] %}`` renders ``forms/error_summary.html``: "There is a problem",
  the form-wide errors, then one link per field in error pointing at that field's input. crispy's
  ``bootstrap5/errors.html`` is overridden to use it, so ``{{ form|crispy }}`` shows it too.
- ``{% error_title_prefix %}`` (in base.html's <title>) says "Error: " when any form on the page came
  back with errors, so the first thing a screen reader announces on arrival is that something needs fixing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.utils.translation import gettext

register = template.Library()


@dataclass(frozen=True)
class SummaryEntry:
    message: str
    target: str  # the id of the input to move to; empty: nothing to link to (a form-wide error)


def has_shown_errors(form) -> bool:
    """True when the form was validated and failed. Never validates it itself: a bound form that the view
    chose not to check (or whose checking has side effects, like the comment form's nonce) stays quiet."""
    # type(), not isinstance(): isinstance() would evaluate the context's lazy objects (the CSRF token
    # among them, which would set a cookie on the comment form, a page that promises none).
    kind = type(form)
    if issubclass(kind, forms.BaseForm):
        return form.is_bound and bool(form._errors)
    if issubclass(kind, forms.BaseFormSet):
        return form.is_bound and form._errors is not None and form.total_error_count() > 0
    return False


def field_target(bound_field) -> str:
    """The id the summary links to: the input itself, or a radio/checkbox group's first option."""
    if bound_field.is_hidden or not bound_field.auto_id:
        return ""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


def summary_entries(form) -> list[SummaryEntry]:
    if not has_shown_errors(form):
        return []
    if issubclass(type(form), forms.BaseFormSet):
        entries = [SummaryEntry(str(message), "") for message in form.non_form_errors()]
        for member in form.forms:
            entries.extend(summary_entries(member))
        return entries
    entries = [SummaryEntry(str(message), "") for message in form.non_field_errors()]
    for bound_field in form:
        target = field_target(bound_field)
        entries.extend(SummaryEntry(str(message), target) for message in bound_field.errors)
    return entries


@register.inclusion_tag("forms/error_summary.html")
def error_summary(*forms_on_page, intro: str = ""):
    entries = [entry for form in forms_on_page if form is not None for entry in summary_entries(form)]
    return {"entries": entries, "intro": intro}


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " when a form in the page's context came back with errors; nothing otherwise."""
    for value in context.flatten().values():
        if has_shown_errors(value):
            return gettext("Error:") + " "
    return ""
