from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquityPlanConfig(AppConfig):
    name = "equity_plan"
    verbose_name = _("Equity plan")
