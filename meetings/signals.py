"""What the meetings app announces to apps built on it (they depend on meetings, never the reverse)."""

from django.dispatch import Signal

# Sent inside the changing transaction with `meeting` and `recipients` (a queryset of the people told
# by e-mail) whenever dates, times, place or details change or dates are cancelled.
meeting_changed = Signal()
