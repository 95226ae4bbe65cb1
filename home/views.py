from __future__ import annotations

from django.shortcuts import render

from . import selectors


def home(request):
    context = selectors.signed_in(request.user) if request.user.is_authenticated else selectors.public()
    return render(request, "home/home.html", context)
