from django.urls import path

from . import views

# No app_name: the page keeps its name "home" (LOGIN_REDIRECT_URL and every template use it).
urlpatterns = [
    path("", views.home, name="home"),
]
