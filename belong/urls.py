from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin signs in through allauth: its rate limits, login by code and MFA apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.DISTRICT_NAME + " · Belong"
admin.site.site_title = "Belong"

urlpatterns = [
    path("", include("home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("groups/", include("groups.urls")),
    path("", include("meetings.urls")),
    path("", include("impact.urls")),
    path("plan/", include("equity_plan.urls")),
    path("comment/", include("comments.urls")),
    path("delivery/", include("belong.delivery_urls")),
    path("funding/", include("funding.urls")),
    path("spaces/", include("spaces.urls")),
    path("scim/v2/", include("provisioning.urls")),
    path("admin/", admin.site.urls),
]
