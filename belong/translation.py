"""The district's own words for the footer and e-mails, in each language (django-modeltranslation)."""

from django.conf import settings
from django.db.models.fields import NOT_PROVIDED
from modeltranslation.translator import TranslationOptions, translator
from modeltranslation.utils import build_localized_fieldname

from .models import SiteSettings


class SiteSettingsTranslationOptions(TranslationOptions):
    fields = ("non_discrimination_statement", "contact_name")
    # modeltranslation takes a value equal to the field's default for "not translated"; here the default IS the
    # district's statement, so only an empty value is missing.
    fallback_undefined = {"non_discrimination_statement": "", "contact_name": ""}


translator.register(SiteSettings, SiteSettingsTranslationOptions)

# modeltranslation gives every language's column the field's default, so a Spanish footer would start as
# the English text stored as Spanish (never marked lang="en", never falling back). Only the district's
# language keeps the default; the others start empty and fall back to it.
for _name in SiteSettingsTranslationOptions.fields:
    for _code, _label in settings.LANGUAGES:
        if _code != settings.LANGUAGE_CODE:
            SiteSettings._meta.get_field(build_localized_fieldname(_name, _code)).default = NOT_PROVIDED
