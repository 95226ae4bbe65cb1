"""The plan's words in each language (django-modeltranslation); English (LANGUAGE_CODE) is the fallback.

simple-history copies every field of these rows into their history tables, so the history models carry the
same languages (registered below with the same options).
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import ActionItem, Indicator, Plan, PlanYear, ProgressUpdate, Workstream

TRANSLATED_FIELDS = {
    Plan: ("title", "summary", "source"),
    PlanYear: ("title", "theme"),
    Workstream: ("title", "description"),
    ActionItem: ("title", "description"),
    ProgressUpdate: ("text",),
    Indicator: ("name", "unit"),
}

for model, model_fields in TRANSLATED_FIELDS.items():
    options = type(f"{model.__name__}TranslationOptions", (TranslationOptions,), {"fields": model_fields})
    translator.register(model, options)
    translator.register(model.history.model, options)
