"""Options for a select that loads them on demand (partners/widgets.py): at most 20 rows of
the partnership that match every word of the query, as JSON `{"results": [{"value", "text"}]}`.

A query is cut to 100 characters and 5 words, so a hostile or huge one costs no more than a
short one; it is matched with icontains (a parameter, never SQL text)."""

from django.http import JsonResponse

from partners.widgets import OPTIONS_LIMIT, matching

__all__ = ["MAX_QUERY", "MAX_WORDS", "matching", "options_response", "query_words"]

MAX_QUERY = 100
MAX_WORDS = 5


def query_words(request) -> list[str]:
    # PostgreSQL refuses a NUL character in text: it is no part of any name anyway.
    return request.GET.get("q", "")[:MAX_QUERY].replace("\x00", "").split()[:MAX_WORDS]


def options_response(rows) -> JsonResponse:
    """`rows`: (value, text) pairs, already cut to OPTIONS_LIMIT."""
    return JsonResponse(
        {"results": [{"value": str(value), "text": text} for value, text in rows[:OPTIONS_LIMIT]]}
    )
