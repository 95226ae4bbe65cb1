"""Which words of a group its editors type once per language (django-modeltranslation adds `field_<lang>`).

Blank translations are stored as NULL, not "", so the per-language unique constraint on the name
(`name_es` is unique like `name`) lets many groups leave their Spanish name empty.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Group


@register(Group)
class GroupTranslationOptions(TranslationOptions):
    fields = ("name", "summary", "description", "mission", "goals", "audience", "charter")
    empty_values = {"name": None}


@register(Group.history.model)
class HistoricalGroupTranslationOptions(GroupTranslationOptions):
    """simple-history copies every field of the group into its history, the languages included."""
