"""Comment topics in each language (django-modeltranslation); blank names are NULL so uniqueness holds."""

from modeltranslation.translator import TranslationOptions, register

from .models import Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}
