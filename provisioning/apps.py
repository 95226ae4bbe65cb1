from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Provisioning from district systems")

    def ready(self) -> None:
        from accounts import staff_import

        from .oneroster import oneroster_import

        # The HR import page and `manage.py import_staff` (accounts) take a OneRoster export too.
        staff_import.roster_format_register(oneroster_import)
