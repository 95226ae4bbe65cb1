from django.urls import path

from . import views

app_name = "equity_plan"

urlpatterns = [
    path("", views.plan_index, name="index"),
    path("new/", views.plan_create, name="plan_create"),
    path("<slug:slug>.csv", views.plan_csv, name="csv"),
    path("<slug:slug>/", views.plan_detail, name="plan"),
    path("<slug:slug>/edit/", views.plan_edit, name="plan_edit"),
    path("<slug:slug>/print/", views.plan_print, name="print"),
    path("<slug:slug>/years/new/", views.year_create, name="year_create"),
    path("<slug:slug>/years/<int:pk>/edit/", views.year_edit, name="year_edit"),
    path("<slug:slug>/w/new/", views.workstream_create, name="workstream_create"),
    path("<slug:slug>/w/<int:pk>/", views.workstream_detail, name="workstream"),
    path("<slug:slug>/w/<int:pk>/edit/", views.workstream_edit, name="workstream_edit"),
    path("<slug:slug>/items/new/", views.item_create, name="item_create"),
    path("<slug:slug>/items/<int:pk>/", views.item_detail, name="item"),
    path("<slug:slug>/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<slug:slug>/items/<int:pk>/update/", views.item_update, name="item_update"),
    path("<slug:slug>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("<slug:slug>/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<slug:slug>/indicators/<int:pk>/measurements/new/", views.measurement_create, name="measurement_create"),
]
