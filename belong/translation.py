"""The district's own words for the footer and e-mails, in each language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import SiteSettings


@register(SiteSettings)
class SiteSettingsTranslationOptions(TranslationOptions):
    fields = ("non_discrimination_statement", "contact_name")
