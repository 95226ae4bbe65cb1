from django import template

from funding import money as money_module

register = template.Library()


@register.filter
def money(cents):
    return money_module.display(cents)
