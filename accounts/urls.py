from django.urls import path

from . import views

app_name = "accounts"

# Mounted at /me/. "meetings/" and "calendar/" below /me/ belong to meetings.
urlpatterns = [
    path("", views.profile, name="profile"),
    path("email/", views.email_preferences, name="email_preferences"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
