"""The fuzz tests use the security tests' district (tests/security/conftest.py)."""

from tests.security.conftest import _security_settings, browser, shared_world, world  # noqa: F401
