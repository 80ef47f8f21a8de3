"""``format_html`` and ``format_html_join`` for the hot paths of list pages.

Same result as Django's (every argument escaped unless it is already safe), without the
lazy-argument wrapper Django puts around each ``escape`` call: a 50-row list page escapes a
few thousand values, and the wrapper was a measurable share of its time."""

from collections.abc import Iterable
from html import escape as _escape

from django.utils.safestring import SafeString


def esc(value: object) -> str:
    """``conditional_escape``: safe values as they are, everything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def html(format_string: str, *args: object) -> SafeString:
    """``django.utils.html.format_html`` with positional arguments."""
    return SafeString(format_string.format(*map(esc, args)))


def html_join(sep: str, format_string: str, args: Iterable[tuple]) -> SafeString:
    """``django.utils.html.format_html_join`` over tuples of positional arguments."""
    return SafeString(esc(sep).join(format_string.format(*map(esc, item)) for item in args))
