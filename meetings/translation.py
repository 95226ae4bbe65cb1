"""Meeting titles, agendas and places in each language (django-modeltranslation).

An Occurrence's own address and note stay one-language: they are copied from the series or typed for one
date by a lead, and are shown as typed.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Meeting


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "agenda", "address")
