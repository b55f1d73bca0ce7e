"""Headers every response carries, files served as downloads, and redirects kept on the site.

The policy allows scripts and styles from `static/` only (no inline script or style anywhere),
no framing, and no referrer sent to other sites."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, Response, send_file

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# what a browser would run or render as a page if it opened a stored file: served as plain text
ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                "text/javascript", "application/javascript", "text/css")


def secure_headers(resp: Response) -> Response:
    h = resp.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return resp


def init_app(app: Flask) -> None:
    app.after_request(secure_headers)


def download(path, mime: str | None, name: str) -> Response:
    """A stored file (an original, evidence) as an attachment with its stored type; a type a
    browser would render as a page goes as plain text, and the response is sandboxed anyway."""
    mime = (mime or "application/octet-stream").split(";")[0].strip().lower()
    if mime in ACTIVE_TYPES or mime.endswith("+xml") or mime.startswith("text/"):
        mime = "text/plain; charset=utf-8" if mime.startswith("text/") or mime in ACTIVE_TYPES else "application/octet-stream"
    resp = send_file(path, mimetype=mime, as_attachment=True, download_name=name)
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    return resp


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None. Browsers drop tabs and newlines and read
    a backslash as a slash, so `/%09/evil.example` or `/\\evil.example` would leave the site."""
    if not target:
        return None
    for form in (target, unquote(target)):      # and once decoded: a proxy or a browser may decode it
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//"):
            return None
    return target
