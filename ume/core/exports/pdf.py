"""PDF exports through WeasyPrint, with the vendored IPAexGothic embedded and no network access.

DESIGN.md "Exports": PDFs embed a Japanese font (``ume/core/fonts/ipaexg.ttf``, so the output
does not depend on the fonts installed on the server) and never fetch remote URLs: HTML built from
user data could otherwise make the server request internal or attacker-chosen addresses (SSRF).
The fetcher serves only ``data:`` URLs and files under the project's font and static directories.
The HTML is cleaned with ``clean_text`` before rendering, so control characters in user data
reach neither the text nor the document's metadata (title, author).
"""

import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .cleaning import clean_text

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_PATH = FONT_DIR / "ipaexg.ttf"
FONT_FAMILY = "IPAexGothic"


class BlockedURLError(ValueError):
    """A PDF asked for a resource outside the allowed local directories (e.g. over http)."""


def default_allowed_roots() -> list[Path]:
    """The bundled font directory plus every static directory Django knows of."""
    roots = [FONT_DIR]
    if settings.configured:
        if getattr(settings, "STATIC_ROOT", None):
            roots.append(Path(settings.STATIC_ROOT))
        for entry in getattr(settings, "STATICFILES_DIRS", ()):
            # An entry is a path or a (prefix, path) pair.
            roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
        if apps.ready:
            roots.extend(Path(config.path) / "static" for config in apps.get_app_configs())
    return [root.resolve() for root in roots]


class LocalOnlyURLFetcher(URLFetcher):
    """WeasyPrint fetcher that refuses anything but ``data:`` and allowed local files.

    ``blocked`` and ``fetched`` record what was asked for, so callers and tests can see that
    e.g. ``<img src="http://…">`` was refused rather than silently requested.
    """

    def __init__(self, *, allowed_roots: Iterable[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        roots = default_allowed_roots() if allowed_roots is None else allowed_roots
        self.allowed_roots = tuple(Path(root).resolve() for root in roots)
        self.blocked: list[str] = []
        self.fetched: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].strip().lower()
        if scheme == "data":
            self.fetched.append(url[:64])
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "file" and (path := self._allowed_path(url)) is not None:
            self.fetched.append(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            # Read directly: urllib's FileHandler turns file://host/… into an FTP request.
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.blocked.append(url)
        raise BlockedURLError(f"PDF resource not allowed: {url[:200]}")

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(parts.path)).resolve()
        if any(path.is_relative_to(root) for root in self.allowed_roots) and path.is_file():
            return path
        return None


def font_css() -> str:
    """User-level stylesheet: the document's own styles may still choose other families."""
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; '
        f'src: url("{FONT_PATH.as_uri()}") format("truetype"); }}\n'
        f'html, body {{ font-family: "{FONT_FAMILY}", sans-serif; }}\n'
    )


def render_pdf(
    html: str,
    *,
    base_url: str | None = None,
    stylesheets: Sequence[str] = (),
    url_fetcher: LocalOnlyURLFetcher | None = None,
) -> bytes:
    """Render ``html`` to PDF bytes with IPAexGothic embedded (subset) and no remote fetching.

    ``stylesheets`` are extra CSS strings; pass ``url_fetcher`` to inspect what was blocked.
    """
    fetcher = url_fetcher if url_fetcher is not None else LocalOnlyURLFetcher()
    font_config = FontConfiguration()
    css = [
        weasyprint.CSS(string=source, font_config=font_config, url_fetcher=fetcher)
        for source in (font_css(), *stylesheets)
    ]
    document = weasyprint.HTML(string=clean_text(html), base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=css, font_config=font_config)


def render_pdf_template(
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
    url_fetcher: LocalOnlyURLFetcher | None = None,
) -> bytes:
    """Render a Django template (usually extending ``core/pdf/base.html``) to PDF bytes."""
    html = render_to_string(template_name, dict(context or {}), request=request)
    return render_pdf(html, url_fetcher=url_fetcher)
