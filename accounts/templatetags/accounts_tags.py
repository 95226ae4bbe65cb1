from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def district_domains() -> str:
    """The e-mail domains that may sign up, as people write them: "@district.example, @other.example"."""
    return ", ".join("@" + domain for domain in settings.DISTRICT_EMAIL_DOMAINS)
