"""Signals other apps listen to. accounts only sends them."""

from django.dispatch import Signal

# Sent once after a real (not dry-run) HR import has committed, with sender=accounts.models.User and:
#   created_ids: list[int]  people new to the district (accounts created by this import)
#   changed_ids: list[int]  people already known (reactivated or not) whose job_role or school changed
staff_imported = Signal()
