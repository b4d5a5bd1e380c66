"""The only way a report may load a resource: lcasym's own assets, nothing else.

WeasyPrint asks its URL fetcher for every stylesheet, image and font a document names.
:class:`AssetFetcher` serves ``data:`` URLs and ``file:`` URLs that resolve (symlinks and
``..`` followed) inside the allowed folders or files: lcasym's ``reports/`` folder, and a
user's template folder and logo when given. Everything else (``http:``, ``https:``,
``ftp:``, any other file such as ``file:///etc/passwd``) is refused: it is logged, kept in
:attr:`AssetFetcher.refused`, and the document renders without it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

MIME = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".html": "text/html",
}
#: Largest asset served (a logo, a stylesheet or a font): 20 MB.
MAX_ASSET_BYTES = 20 * 1024 * 1024


class FetchRefusedError(ValueError):
    """A report asked for a resource outside lcasym's own assets."""


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher limited to ``data:`` URLs and files under ``roots``.

    Parameters
    ----------
    roots
        Folders (everything below them) and single files that may be read.
    """

    def __init__(self, roots: Iterable[str | Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []
        self.served: list[str] = []

    def allows(self, path: Path) -> bool:
        """True when ``path`` (resolved) is one of the roots or lies below a folder root."""
        resolved = path.resolve()
        return any(resolved == r or (r.is_dir() and resolved.is_relative_to(r)) for r in self.roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Serve ``url`` if it is a data URL or an allowed file; refuse it otherwise."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return self._refuse(url, "a file on another host")
            path = Path(url2pathname(unquote(parts.path)))
            if self.allows(path) and path.is_file():
                size = path.stat().st_size
                if size > MAX_ASSET_BYTES:
                    return self._refuse(url, f"larger than {MAX_ASSET_BYTES // 2**20} MB")
                self.served.append(str(path))
                mime = MIME.get(path.suffix.lower(), "application/octet-stream")
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": mime}, status=200
                )
            return self._refuse(url, "outside lcasym's report assets")
        return self._refuse(url, "network access is not allowed while rendering")

    def _refuse(self, url: str, why: str) -> URLFetcherResponse:
        self.refused.append(url)
        log.warning("report: refused to load %s (%s)", url[:200], why)
        raise FetchRefusedError(f"refused {url[:200]}: {why}")
