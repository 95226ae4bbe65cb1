from django import template

from belong import delivery

register = template.Library()


@register.simple_tag
def failing_address(user):
    """The suppression-list entry for the user's own address, or None (one query)."""
    return delivery.failing_address_of(user)
