import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group as PermissionGroup

from tests.factories import UserFactory


@pytest.fixture
def hr_person(db):
    """Staff with admin access in the HR permission group (given the import permission by migration)."""
    # Re-run the data migration's grant (idempotent): another app's transactional test may have flushed
    # the reused test database, taking the migration's rows with it.
    importlib.import_module("accounts.migrations.0003_hr_import_permission").grant_hr(apps, None)
    user = UserFactory(is_staff=True)
    user.groups.add(PermissionGroup.objects.get(name="HR"))
    return user


@pytest.fixture
def signals_received():
    """What staff_imported was sent with. Other apps' receivers (welcome e-mails) are held back: their
    own tests cover them, and here they would only slow the 10,000-row import test down."""
    from accounts.signals import staff_imported

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    others = staff_imported.receivers
    staff_imported.receivers = []
    staff_imported.sender_receivers_cache.clear()
    staff_imported.connect(receiver, weak=False)
    yield received
    staff_imported.receivers = others
    staff_imported.sender_receivers_cache.clear()
