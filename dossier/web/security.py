"""The server's doors: security headers, body size limit, a guard against leaked
tracebacks, a per-client rate limit and signed CSRF tokens.

The ASGI middleware here wraps the whole app, so its headers and its 413 and 500
answers apply to every response: pages, JSON, static files and errors alike.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
import threading
import time

log = logging.getLogger("dossier.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _wants_html(scope) -> bool:
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    return b"text/html" in accept


async def _answer(send, status: int, message: str, html: bool,
                  extra: list[tuple[bytes, bytes]] = ()) -> None:
    """Send a short error response: an HTML page or ``{"detail": message}``."""
    if html:
        body = (f"<!doctype html><title>{status}</title><h1>{status}</h1>"
                f"<p>{message}</p>").encode()
        kind = b"text/html; charset=utf-8"
    else:
        body, kind = json.dumps({"detail": message}).encode(), b"application/json"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: security headers on every response; request bodies over
    ``max_body`` bytes refused with 413 (by Content-Length, and by counting while
    reading, so a missing or lying length does not help); an unexpected exception
    logged here and answered with a generic 500 that carries no traceback."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {h for h, _ in HEADERS}
                message = {**message, "headers": [
                    *(h for h in message.get("headers", []) if h[0].lower() not in names),
                    *HEADERS]}
            await send(message)

        html = _wants_html(scope)
        if scope["method"] in BODY_METHODS:
            try:
                receive = await self._buffered(scope, receive)
            except _TooLarge:
                return await _answer(send_with_headers, 413,
                                     f"request body too large (limit {self.max_body:,} bytes)",
                                     html, [(b"connection", b"close")])
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            await _answer(send_with_headers, 500, "internal server error", html)

    async def _buffered(self, scope, receive):
        """Read the whole body, at most ``max_body`` bytes, and replay it to the app."""
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > self.max_body:
                    raise _TooLarge
            except ValueError:
                pass  # unreadable: the bytes are counted below
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay


class RateLimit:
    """A token bucket per client: ``rate`` requests per ``per`` seconds, in bursts of
    at most ``rate``. In-process and thread-safe."""

    MAX_CLIENTS = 10_000

    def __init__(self, rate: int, per: float = 60.0):
        self.rate, self.per = max(1, rate), per
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, client: str) -> float:
        """Spend one token for ``client``: 0 if allowed, else seconds until the next."""
        now = time.monotonic()
        refill = self.rate / self.per
        with self.lock:
            tokens, at = self.buckets.get(client, (float(self.rate), now))
            tokens = min(self.rate, tokens + (now - at) * refill)
            if tokens >= 1:
                self.buckets[client] = (tokens - 1, now)
                if len(self.buckets) > self.MAX_CLIENTS:
                    self._forget_idle(now, refill)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / refill

    def _forget_idle(self, now: float, refill: float) -> None:
        """Drop the buckets that have refilled: they hold no state worth keeping."""
        for key, (tokens, at) in list(self.buckets.items()):
            if tokens + (now - at) * refill >= self.rate:
                del self.buckets[key]

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))


class Csrf:
    """Double-submit CSRF tokens: ``NONCE.HMAC(secret, NONCE)``, set as a SameSite=Strict
    cookie and embedded in the form; a write must bring both, equal and signed."""

    COOKIE = "dossier_csrf"

    def __init__(self, secret: bytes | None = None):
        self.secret = secret or secrets.token_bytes(32)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()

    def new(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._sign(nonce)}"

    def valid(self, token: str | None) -> bool:
        nonce, _, signature = (token or "").partition(".")
        return bool(nonce) and hmac.compare_digest(signature.encode(),
                                                   self._sign(nonce).encode())

    def check(self, cookie: str | None, submitted: str | None) -> bool:
        """Whether the form's token matches the cookie's, and the cookie is ours."""
        return (self.valid(cookie) and submitted is not None
                and hmac.compare_digest(cookie.encode(), submitted.encode()))


def bearer_ok(authorization: str | None, token: str | None) -> bool:
    """Whether ``Authorization: Bearer …`` carries ``token``, compared in constant time."""
    if not token or not authorization:
        return False
    scheme, _, given = authorization.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode())
