"""What the groups app announces to apps built on it (they depend on groups, never the reverse)."""

from django.dispatch import Signal

# Sent inside the deciding transaction with `group`, `user` (who asked) and `approved`.
request_decided = Signal()
