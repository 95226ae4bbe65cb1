"""The portal's URLs plus /bench/bare/, served by bench/run through bench.settings."""

from django.urls import path

from belong.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [path("bench/bare/", views.bare, name="bench-bare"), *portal_urlpatterns]
