from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BelongConfig(AppConfig):
    name = "belong"
    verbose_name = _("Belong portal")
