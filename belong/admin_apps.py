"""The admin app, on BelongAdminSite: every registered admin refuses lookups on private data.

Its own module, imported by INSTALLED_APPS before any model exists (belong.admin_privacy needs them).
"""

from django.contrib.admin.apps import AdminConfig


class BelongAdminConfig(AdminConfig):
    default_site = "belong.admin_privacy.BelongAdminSite"
