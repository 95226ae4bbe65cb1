from django.conf import settings

from .models import SiteSettings


def site(request):
    return {
        "site_settings": SiteSettings.current(),
        "district_name": settings.DISTRICT_NAME,
    }
