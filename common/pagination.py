"""Pagination of the API (kept apart from ``common.api``: DRF imports it while loading
its generic views).

``page_size`` is checked, not silently replaced: anything but a whole number from 1 to
200 answers 400, as the schema says."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

MAX_PAGE_SIZE = 200


class _CheckedPageSize:
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        try:
            (value,) = raw
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class PagePagination(_CheckedPageSize, PageNumberPagination):
    """Numbered pages for the short lists; ``page_size`` up to 200."""


class Cursor(_CheckedPageSize, CursorPagination):
    """Cursor pagination for the big lists: stable while rows are added, and each page
    costs the same however deep. Newest first; ``page_size`` up to 200."""

    ordering = ("-created_at", "-pk")
