"""Which language an editor-typed text is shown in, so pages can mark a fallback (WCAG 3.1.2, "language of parts").

django-modeltranslation answers `group.name` in the active language or, when that is empty, in the first
fallback language that has it (settings.MODELTRANSLATION_FALLBACK_LANGUAGES). These helpers repeat its
resolution to say *which* language won. Templates use them through {% trans_field %} / {% trans_lang %}
(belong/templatetags/translated.py); forms through `TranslatedSelect`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.utils import build_localized_fieldname, resolution_order


def source_language(obj: Any, field: str) -> str | None:
    """The language whose text `obj.<field>` shows now, or None when nothing is there or it is not translated."""
    descriptor = getattr(type(obj), field, None)
    if not isinstance(descriptor, TranslationFieldDescriptor):
        return None
    undefined = descriptor.fallback_undefined
    if undefined is NONE:  # as the descriptor does: the field's own default means "not there"
        undefined = descriptor.field.get_default()
    for lang in resolution_order(get_language() or "", descriptor.fallback_languages):
        if descriptor.meaningful_value(getattr(obj, build_localized_fieldname(field, lang), None), undefined):
            return lang
    return None


def fallback_language(obj: Any, field: str) -> str | None:
    """The language of the shown text when it is not the page's (a fallback), else None."""
    shown = source_language(obj, field)
    page = get_language()
    if shown is None or page is None or shown == page:
        return None
    return shown


def translated_columns(path: str) -> list[str]:
    """`topic__name` -> ["topic__name_en", "topic__name_es", ...]: every language's column, for only()/values()."""
    return [build_localized_fieldname(path, code) for code, _name in settings.LANGUAGES]


def translated_order(field: str) -> Coalesce:
    """Order by `field` as the reader sees it: their language, else the fallbacks, never NULLs in a heap.

    modeltranslation turns order_by("name") into the reader's column only (name_ar), where every group
    not yet translated is NULL and the order among them is arbitrary.
    """
    languages = resolution_order(get_language() or settings.LANGUAGE_CODE, None)
    columns = [build_localized_fieldname(field, lang) for lang in languages]
    return Coalesce(*columns, Value(""))


class TranslatedSelect(forms.Select):
    """A select whose options carry `lang`/`dir` when their label (a model's translated field) is a fallback."""

    label_field = "name"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        lang = fallback_language(instance, self.label_field) if instance is not None else None
        if lang:
            option["attrs"] = {**option["attrs"], "lang": lang, "dir": "auto"}
        return option
