"""One way to page a list: what `templates/_pagination.html` renders."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator


def paginate(object_list, page: str | int | None, per_page: int, *, count: int | None = None) -> Page:
    """The requested page; a missing, mistyped or out-of-range number gives the nearest real page.

    `count`, when the caller already knows how many there are, saves the COUNT query.
    """
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count
    current = paginator.get_page(page)
    current.elided_range = list(paginator.get_elided_page_range(current.number, on_each_side=2, on_ends=1))
    return current


@dataclass
class Window:
    """A page of a list whose total is not counted: "Previous" and "Next" only, one query.

    For lists where a COUNT over a large table would cost more than the page itself.
    """

    object_list: list
    number: int
    has_next: bool
    elided_range: tuple = ()

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def window(queryset, page: str | int | None, per_page: int) -> Window:
    """The requested page of an ordered queryset; a mistyped or too-large number gives a sensible page."""
    try:
        number = max(1, min(int(page or 1), 100_000))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        return window(queryset, 1, per_page)
    return Window(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)
