from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class CursorPagination(pagination.CursorPagination):
    """For big tables (measurements…): stable pages however many rows are added meanwhile, no COUNT(*).
    Views set ``ordering`` (default: newest first by id)."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500
