from django.urls import path  # noqa: F401

app_name = "equity_plan"

urlpatterns: list = []
