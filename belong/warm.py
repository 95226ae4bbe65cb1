"""Work every worker would otherwise repeat on its first requests, done once before gunicorn forks.

With `preload_app` (deploy/gunicorn.conf.py) the master imports the project and then calls `warm()`;
each worker is a fork and starts with the URL patterns imported and resolved for every language, the
translation catalogs loaded and the project's templates compiled (the cached template loader keeps
them). Without it the first page a fresh worker served (at start, or after a max_requests recycle)
took over a second of CPU, in the middle of live traffic.

Nothing here opens a database or Redis connection or starts a thread: a socket opened before the fork
would be shared by every worker. It reads files and builds Python objects only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def _project_templates() -> list[str]:
    """Names of the templates in the project's own template folders (not the installed packages')."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    folders += [Path(config.path) / "templates" for config in apps.get_app_configs()]
    names = []
    for folder in folders:
        folder = folder.resolve()
        if not folder.is_dir() or base not in folder.parents or ".venv" in folder.parts:
            continue
        names += [str(path.relative_to(folder)) for path in folder.rglob("*.html")]
    return names


def warm() -> None:
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - builds this language's lookups
    engine = engines["django"]
    for name in _project_templates():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            log.warning("Template %s did not compile while warming up.", name)
