"""The ceiling: a view that renders a trivial template and touches neither the database nor the session."""

from django.http import HttpResponse
from django.template import Context, Engine

# A standalone engine: no context processors, no loaders, so nothing but Django's request cycle runs.
_TEMPLATE = Engine().from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><main><h1>{{ title }}</h1><ul>{% for n in numbers %}<li>{{ n }}</li>{% endfor %}</ul></main>"
    "</body></html>"
)


def bare(request):
    return HttpResponse(_TEMPLATE.render(Context({"title": "Hello from Django", "numbers": range(10)})))
