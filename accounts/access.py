"""Who a signed-in person is to the district, for every app's access rules."""

from __future__ import annotations


def is_director(user) -> bool:
    """The equity director (or a superuser) acting now: signed in with an account that is still active."""
    return bool(user.is_authenticated and user.is_active and user.is_equity_director)
