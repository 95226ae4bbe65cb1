from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/new/", views.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("cycles/<int:pk>/expenses.csv", views.export, name="export"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("expenses/<int:pk>/decide/", views.expense_decide, name="expense_decide"),
    path("expenses/<int:pk>/delete/", views.expense_delete, name="expense_delete"),
    path("expenses/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("groups/<slug:slug>/", views.group_budget, name="group"),
    path("groups/<slug:slug>/request/", views.request_new, name="request_new"),
    path("groups/<slug:slug>/expense/", views.expense_new, name="expense_new"),
    path("groups/<slug:slug>/visibility/", views.visibility, name="visibility"),
]
