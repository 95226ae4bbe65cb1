from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Group


class GroupFilter(django_filters.FilterSet):
    """The directory's search box and filters. Needs `request` for "my groups" and "groups I can join"."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, purpose or topic")}),
    )
    focus = django_filters.ChoiceFilter(label=_("Focus"), choices=Group.Focus.choices, empty_label=_("Any focus"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(Group.Status.ACTIVE, _("Active")), (Group.Status.FORMING, _("Forming (coming this year)"))],
        empty_label=_("Active and forming"),
    )
    mine = django_filters.BooleanFilter(label=_("My groups"), method="filter_mine", widget=forms.CheckboxInput)
    can_join = django_filters.BooleanFilter(
        label=_("Groups I can join"), method="filter_can_join", widget=forms.CheckboxInput
    )

    class Meta:
        model = Group
        fields = ["q", "focus", "status", "mine", "can_join"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return selectors.search(queryset, value) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.of_member(self.request.user) if value else queryset

    def filter_can_join(self, queryset, name, value):
        return queryset.filter(pk__in=Group.objects.joinable_by(self.request.user).values("pk")) if value else queryset
