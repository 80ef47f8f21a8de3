"""HTTP responses for exports: content types, Japanese file names, Asia/Tokyo time stamps."""

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from .cleaning import clean_text
from .sheets import TOKYO

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FILENAME_STEM_MAX = 80
# Characters Windows refuses in file names; clean_text has removed controls (which could
# also split a header).
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|]+')
_UNSAFE_IN_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def content_type_for(kind: str) -> str:
    try:
        return CONTENT_TYPES[kind]
    except KeyError:
        raise ValueError(
            f"Unknown export kind {kind!r}; expected one of {sorted(CONTENT_TYPES)}"
        ) from None


def clean_filename(name: str) -> str:
    return _UNSAFE_IN_FILENAME.sub("_", clean_text(name, single_line=True)).strip(" ._") or "export"


def filename_for(base: str, ext: str, *, at: datetime | None = None) -> str:
    """``監査証跡`` + ``xlsx`` → ``監査証跡_20261124-0935.xlsx`` (Japan time, minutes)."""
    moment = (at or timezone.now()).astimezone(TOKYO)
    stem = clean_filename(base)[:FILENAME_STEM_MAX]
    return f"{stem}_{moment:%Y%m%d-%H%M}.{ext.lstrip('.').lower()}"


def ascii_filename(filename: str) -> str:
    """The ``filename=`` fallback for clients without RFC 6266/5987 support."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    # NFKD first, so full-width (zenkaku) letters and digits survive as ASCII.
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"_{2,}", "_", _UNSAFE_IN_ASCII.sub("_", ascii_stem)).strip("._-")
    if not any(ch.isalpha() for ch in ascii_stem):
        # An all-Japanese name leaves only the time stamp; keep the file recognisable.
        ascii_stem = f"export_{ascii_stem}" if ascii_stem else "export"
    ascii_ext = _UNSAFE_IN_ASCII.sub("", ext)
    return f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266 §4.3)."""
    filename = clean_filename(filename)
    disposition = "inline" if inline else "attachment"
    encoded = quote(filename, safe="")
    return f"{disposition}; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{encoded}"


def _export_headers(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = content_disposition(filename)
    # Exports hold an organisation's ISMS records: keep them out of shared caches.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"


def export_response(data: bytes, *, filename: str, kind: str) -> HttpResponse:
    """A download response for bytes from ``write_xlsx``/``write_csv``/``write_docx``/PDF."""
    response = HttpResponse(data, content_type=content_type_for(kind))
    response["Content-Length"] = str(len(data))
    _export_headers(response, filename)
    return response


def export_streaming_response(
    chunks: Iterable[bytes], *, filename: str, kind: str
) -> StreamingHttpResponse:
    """A download streamed chunk by chunk, e.g. ``iter_csv(table)`` over a large queryset."""
    response = StreamingHttpResponse(chunks, content_type=content_type_for(kind))
    _export_headers(response, filename)
    return response


def export_meta(request, **extra: str) -> dict[str, str]:
    """The information sheet every list export starts with: who exported what, when."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    return {
        _("Organization"): request.organisation.name,
        _("Exported at"): timezone.localtime().strftime("%Y/%m/%d %H:%M"),
        _("Exported by"): request.user.email,
        **extra,
    }


def exceeds_export_limit(queryset) -> bool:
    """True when more rows match than one export may hold (settings.UME_EXPORT_MAX_ROWS)."""
    from django.conf import settings

    limit = settings.UME_EXPORT_MAX_ROWS
    return queryset[limit : limit + 1].exists()
