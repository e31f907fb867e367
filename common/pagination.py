"""Pagination of the API (kept apart from ``common.api``: DRF imports it while loading
its generic views)."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    """Numbered pages for the short lists; ``page_size`` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200


class Cursor(CursorPagination):
    """Cursor pagination for the big lists: stable while rows are added, and each page
    costs the same however deep. Newest first; ``page_size`` up to 200."""

    ordering = ("-created_at", "-pk")
    page_size_query_param = "page_size"
    max_page_size = 200
