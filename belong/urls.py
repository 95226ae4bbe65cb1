from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, include, path

from . import views
from .i18n import OptionalLanguagePrefix

# The admin signs in through allauth: its rate limits, login by code and MFA apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.DISTRICT_NAME + " · Belong"
admin.site.site_title = "Belong"

urlpatterns = [
    path("", include("home.urls")),
    # Before the apps mounted at the root (meetings, impact): the public plan is the most visited page after
    # the home page, and each of their 20-odd patterns was tried before it on every view. Nothing else
    # begins with "plan/".
    path("plan/", include("equity_plan.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("branding.css", views.branding_css, name="branding_css"),
    path("branding/logo", views.logo, name="branding_logo"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("groups/", include("groups.urls")),
    path("", include("meetings.urls")),
    path("", include("impact.urls")),
    path("delivery/", include("belong.delivery_urls")),
    path("funding/", include("funding.urls")),
    path("spaces/", include("spaces.urls")),
    path("scim/v2/", include("provisioning.urls")),
    path("admin/", admin.site.urls),
]

# The anonymous comment pages set no cookie, so a visitor's language choice lives in their URL: /comment/
# (the browser's language) and /es/comment/, /en/comment/... (chosen). See belong/i18n.py.
urlpatterns.append(URLResolver(OptionalLanguagePrefix(), [path("comment/", include("comments.urls"))]))
