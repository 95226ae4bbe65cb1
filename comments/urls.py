from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("", views.comment_form, name="form"),
    path("receipt/", views.receipt, name="receipt"),
    path("review/", views.review, name="review"),
    path("language/", views.choose_language, name="language"),
]
