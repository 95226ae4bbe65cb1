"""Production settings with STATIC_ROOT moved to a directory the test chooses (TEST_STATIC_ROOT)."""

import os

from belong.settings import *  # noqa: F403

STATIC_ROOT = os.environ["TEST_STATIC_ROOT"]
