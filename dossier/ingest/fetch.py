"""Fetching a URL for ingest, guarded against servers and addresses it must not reach.

What :func:`fetch` promises:

* only ``http`` and ``https``; at most ``MAX_REDIRECTS`` redirects, and every
  redirect target is checked exactly as the first URL was (scheme, host, address);
* **no private addresses** unless ``allow_private``: the host is resolved here and
  every address it resolves to is classified with :mod:`ipaddress`; loopback,
  private, link-local, multicast, reserved, unspecified and other non-public
  addresses are refused, IPv4 and IPv6 alike, and an IPv4 address carried inside
  an IPv6 one (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64) is judged as
  that IPv4 address;
* **DNS rebinding**: the connection goes to the very address that was checked.
  The URL's host is swapped for that address, while the ``Host`` header and the
  TLS server name (SNI, and so the certificate check) keep the real name. A
  resolver that answers with a public address for the check and a private one
  for the connection never gets asked twice. This was chosen over checking
  again before each request, which still leaves a lookup between check and
  connect, and over a custom connection backend, for which httpx has no public
  hook. Keep-alive is off, so no connection opened for one name serves another;
* **time**: a connect timeout, a read timeout (no byte for that long) and a
  deadline for the whole response, so a server that drips one byte at a time
  cannot hold a fetch open;
* **size**: a Content-Length over ``max_bytes`` is refused before the body is
  read; otherwise the body is streamed and the fetch stops at ``max_bytes``. The
  count is of bytes after decompression, so a compressed bomb stops there too;
* no proxy from the environment (``trust_env=False``): a proxy would make the
  connection a different one from the one the guard checked;
* a plain ``User-Agent`` naming Dossier.

Every refusal or failure raises :class:`~dossier.errors.InputError` with the URL
and a reason, e.g. "refused: 127.0.0.1 is a loopback address; pass
--allow-private-hosts to allow it".
"""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from importlib import metadata

import httpx

from dossier.clean import decode
from dossier.errors import InputError
from dossier.ingest import html, text
from dossier.model import Document

try:
    _VERSION = metadata.version("dossier")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    _VERSION = "dev"
USER_AGENT = f"Dossier/{_VERSION} (conflict news reader)"
SCHEMES = ("http", "https")
MAX_REDIRECTS = 5
MAX_FETCH_BYTES = 10_000_000
"""Largest response read (an article page or a feed); larger ones are refused."""
CONNECT_SECONDS = 10.0
READ_SECONDS = 30.0
"""Longest wait for the next bytes of a response."""
DEADLINE_SECONDS = 120.0
"""Longest time one fetch may take, redirects included."""
ALLOW_HINT = "pass --allow-private-hosts to allow it"

_REDIRECTS = (301, 302, 303, 307, 308)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """A response read whole: where it came from after redirects, its bytes, and
    its Content-Type header as the server gave it (None when it gave none)."""

    url: str
    raw: bytes
    content_type: str | None = None

    @property
    def media_type(self) -> str | None:
        """The media type, lower case ("text/html")."""
        return _content_type(self.content_type or "")[0]

    @property
    def charset(self) -> str | None:
        """The charset parameter, lower case, when given."""
        return _content_type(self.content_type or "")[1]

    def text(self) -> str:
        """The body decoded with the response's charset when it has a usable one,
        otherwise as files are (UTF-8, else charset-normalizer's guess)."""
        if self.charset:
            try:
                return self.raw.decode(self.charset)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown charset label: guess, as for a file
        return decode(self.raw, self.url)[0]


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched from without ``allow_private``
    ("a loopback address"), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            reason = refusal(inner)
            return f"{reason} (IPv4 {inner} inside IPv6)" if reason else None
    for test, kind in (("is_unspecified", "an unspecified"), ("is_loopback", "a loopback"),
                       ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                       ("is_reserved", "a reserved"), ("is_private", "a private")):
        if getattr(address, test):
            return f"{kind} address"
    if not address.is_global:  # shared (100.64/10), documentation, benchmarking ranges
        return "a non-public address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms
    that carry one (Python 3.11 does not judge ``::ffff:127.0.0.1`` a loopback)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def checked_addresses(url: httpx.URL, allow_private: bool = False) -> list[str]:
    """The addresses ``url``'s host resolves to, in the resolver's order, each
    one checked; raise InputError if any is refused or the name does not resolve."""
    host = url.host
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(url.raw_host.decode("ascii"), url.port or 0,
                                       type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise InputError(str(url), f"cannot resolve {host}: "
                                       f"{getattr(exc, 'strerror', None) or exc}") from exc
        # scope ids ("fe80::1%eth0") are dropped: the address is what is judged
        found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0])
                                   for info in infos))
    if not allow_private:
        for address in found:
            reason = refusal(address)
            if reason:
                where = (f"{address} is {reason}" if literal is not None
                         else f"{host} resolves to {address}, {reason}")
                raise InputError(str(url), f"refused: {where}; {ALLOW_HINT}")
    if not found:
        raise InputError(str(url), f"cannot resolve {host}: no address")
    return [str(a) for a in found]


def parse_url(url: str) -> httpx.URL:
    """``url`` as an httpx URL; InputError unless it is absolute http(s) with a host."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise InputError(url, f"not a valid URL ({exc})") from exc
    if parsed.scheme not in SCHEMES:
        raise InputError(url, f"refused: only http and https URLs are fetched, "
                              f"not {parsed.scheme or 'a relative URL'}")
    if not parsed.host:
        raise InputError(url, "not a valid URL: no host")
    return parsed


def fetch(url: str, allow_private: bool = False, *, max_bytes: int = MAX_FETCH_BYTES,
          connect_timeout: float = CONNECT_SECONDS, read_timeout: float = READ_SECONDS,
          deadline: float = DEADLINE_SECONDS) -> Fetched:
    """GET ``url`` and read its body whole, within the guards of this module.

    allow_private: also fetch from loopback, private and other non-public
        addresses (default False: refused).
    max_bytes: largest body read (default ``MAX_FETCH_BYTES``).
    connect_timeout, read_timeout: seconds to connect, and to wait for the next
        bytes (defaults ``CONNECT_SECONDS``, ``READ_SECONDS``).
    deadline: seconds the whole fetch may take, redirects included.

    Raises InputError naming the URL asked for, and the URL a redirect led to
    when the failure is there.
    """
    started = time.monotonic()
    current = parse_url(url)
    timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout,
                            pool=connect_timeout)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                      limits=httpx.Limits(max_keepalive_connections=0),
                      headers={"User-Agent": USER_AGENT}) as client:
        for hop in range(MAX_REDIRECTS + 1):
            where = url if hop == 0 else f"{url} (redirected to {current})"
            if time.monotonic() > started + deadline:
                raise InputError(where, f"timed out: the response took over {deadline:g} s")
            try:
                location, fetched = _get(client, current, allow_private, max_bytes,
                                         started + deadline, deadline)
            except InputError as exc:
                raise InputError(where, exc.reason) from exc
            if fetched is not None:
                return fetched
            try:
                current = parse_url(str(current.join(location)))
            except InputError as exc:
                raise InputError(where, f"redirect to {location}: {exc.reason}") from exc
    raise InputError(url, f"too many redirects (more than {MAX_REDIRECTS})")


def _get(client: httpx.Client, url: httpx.URL, allow_private: bool, max_bytes: int,
         ends_at: float, deadline: float) -> tuple[str | None, Fetched | None]:
    """One request: ``(location, None)`` for a redirect, ``(None, response)`` else.

    The request goes to each checked address in turn until one accepts the
    connection; the Host header and TLS server name stay the URL's host."""
    addresses = checked_addresses(url, allow_private)
    headers = {"Host": url.netloc.decode("ascii")}
    extensions = {"sni_hostname": url.raw_host.decode("ascii")}
    last: Exception | None = None
    for address in addresses:
        request = client.build_request("GET", url.copy_with(host=address), headers=headers,
                                       extensions=extensions)
        try:
            response = client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last = exc
            continue
        except httpx.TimeoutException as exc:
            raise InputError(str(url), _timeout_reason(exc, client.timeout)) from exc
        except httpx.HTTPError as exc:
            raise InputError(str(url), f"fetch failed: {str(exc) or type(exc).__name__}"
                             ) from exc
        try:
            return _read(response, url, max_bytes, ends_at, deadline, client.timeout)
        finally:
            response.close()
    raise InputError(str(url), f"cannot connect: {last or 'no address'}")


def _read(response: httpx.Response, url: httpx.URL, max_bytes: int, ends_at: float,
          deadline: float, timeout: httpx.Timeout) -> tuple[str | None, Fetched | None]:
    """The redirect target or the body of ``response``, within size and time."""
    if response.status_code in _REDIRECTS:
        location = response.headers.get("location")
        if not location:
            raise InputError(str(url), f"HTTP {response.status_code} redirect without a Location")
        return location, None
    if not 200 <= response.status_code < 300:
        raise InputError(str(url), f"HTTP {response.status_code} {response.reason_phrase}".strip())
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(str(url), f"response too large: {int(declared):,} bytes "
                                   f"(limit {max_bytes:,})")
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise InputError(str(url), f"response too large: over {max_bytes:,} bytes "
                                           "(stopped reading there)")
            if time.monotonic() > ends_at:
                raise InputError(str(url), f"timed out: the response took over {deadline:g} s")
    except httpx.TimeoutException as exc:
        raise InputError(str(url), _timeout_reason(exc, timeout)) from exc
    except httpx.HTTPError as exc:
        raise InputError(str(url), f"fetch failed while reading: {exc}") from exc
    return None, Fetched(str(url), bytes(body), response.headers.get("content-type"))


def _timeout_reason(exc: httpx.TimeoutException, timeout: httpx.Timeout) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting (after {timeout.connect:g} s)"
    return f"timed out: no data for {timeout.read:g} s"


def _content_type(value: str) -> tuple[str | None, str | None]:
    """Media type and charset of a Content-Type header, lower case."""
    media, *params = (part.strip() for part in value.split(";"))
    charset = next((p.split("=", 1)[1].strip().strip("\"'").lower() for p in params
                    if p.lower().startswith("charset=")), None)
    return (media.lower() or None), (charset or None)


def article(fetched: Fetched, title: str | None = None, published: str | None = None,
            source: str | None = None) -> Document:
    """The article in a fetched page: HTML through :mod:`dossier.ingest.html`
    (trafilatura, as for files), plain text as a text file is read.

    title, published: metadata the caller knows (a feed item's), which wins over
    the page's. source: the URL to record (default: the URL after redirects).
    Raises InputError when the page holds no article.
    """
    source = source or fetched.url
    if fetched.media_type == "text/plain":
        body = fetched.text()
        document = next(iter(text.read(body.encode("utf-8"), source)))
        if isinstance(document, InputError):
            raise document
        return Document(raw=fetched.raw, source=source, title=title or document.title,
                        published=published or document.published, body=body, kind="text")
    if fetched.media_type not in (None, "text/html", "application/xhtml+xml") \
            and not fetched.raw.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise InputError(source, f"not an article page: {fetched.media_type}")
    return html.from_html(fetched.text(), fetched.raw, source, title=title,
                          published=published, url=source, kind="html")


__all__ = ["fetch", "article", "Fetched", "refusal", "checked_addresses", "parse_url",
           "MAX_FETCH_BYTES", "MAX_REDIRECTS", "USER_AGENT"]
