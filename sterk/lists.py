"""Helpers shared by list pages: pagination that keeps the current filter."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page (out-of-range numbers give the last page) and the query string
    without `page`, for links to other pages and to the Excel export."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
