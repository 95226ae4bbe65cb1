from django.urls import path

from . import delivery_views

app_name = "delivery"

urlpatterns = [
    path("", delivery_views.status, name="status"),
    path("suppressed/<int:pk>/clear/", delivery_views.clear_suppression, name="clear_suppression"),
    path("bounces/", delivery_views.bounce_webhook, name="bounce_webhook"),
]
