"""The ceiling: a view that renders a trivial template and touches neither the database nor the session."""

import os

from django.http import HttpResponse
from django.template import Context, Engine

# A standalone engine: no context processors, no loaders, so nothing but Django's request cycle runs.
_TEMPLATE = Engine().from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><main><h1>{{ title }}</h1><ul>{% for n in numbers %}<li>{{ n }}</li>{% endfor %}</ul></main>"
    "</body></html>"
)


def bare(request):
    response = HttpResponse(_TEMPLATE.render(Context({"title": "Hello from Django", "numbers": range(10)})))
    # Which gunicorn worker answered: bench/runner.py waits until every worker has, before measuring.
    response["X-Bench-Worker"] = str(os.getpid())
    return response
