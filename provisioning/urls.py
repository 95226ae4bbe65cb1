from django.urls import path, re_path

from . import views

app_name = "provisioning"

# Mounted at /scim/v2/.
urlpatterns = [
    path("", views.scim, name="scim_root"),
    re_path(r"^(?P<path>.+)$", views.scim, name="scim"),
]
