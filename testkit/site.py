"""The loopback HTTP server of the offline demo, the tests and the benchmark: a directory plus scripted faults.

The real sites cannot be reached from tests (and are geo-blocked from abroad), so the crawler
is exercised against saved pages served from 127.0.0.1. Each path can be scripted to
misbehave the way official sites do: error codes in sequence, ``Retry-After``, a missing
charset, redirects, slow or huge bodies. Static files get an ETag and a Last-Modified and
answer conditional requests with 304, like a real web server, so revalidation is testable.
Every request is recorded for assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Behaviour:
    """How one path answers, beyond serving its file.

    - ``statuses``: consumed one per request (e.g. ``[500, 200]``); once used up, the file is served;
    - ``headers``: extra headers on every answer (``Retry-After``, ``Cache-Control`` …);
    - ``redirect``: a Location to redirect to with 302 (or the status from ``statuses``);
    - ``body``: served instead of the file (bytes), ``content_type`` instead of the guessed type;
    - ``charset``: the charset parameter of Content-Type; ``""`` sends none;
    - ``validators``: send ETag/Last-Modified and answer conditional requests with 304;
    - ``size``: a generated body of this many bytes (a huge page); ``delay``: seconds before
      answering; ``chunk_delay``: seconds between 1 KiB chunks (a slow page);
    - ``arrived`` / ``arrivals``: set / counted when a request for the path comes in, before any
      delay (requests are recorded once answered), so a test can act while the answer is still
      pending, or count the requests a client gave up waiting for;
    - ``hold_first``: the first request for the path is answered only once this event is set
      (at most two minutes), the others at once: a client stuck on one answer.
    """

    statuses: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    redirect: str | None = None
    body: bytes | None = None
    content_type: str | None = None
    charset: str | None = None
    validators: bool = True
    size: int | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    arrived: threading.Event = field(default_factory=threading.Event)
    arrivals: int = 0
    hold_first: threading.Event | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    at: float
    status: int
    method: str = "GET"
    body: bytes = b""

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class LocalSite:
    """Serves ``root`` on ``127.0.0.1:<free port>`` in a thread; use as a context manager.

    ``charset`` is the default charset of HTML answers (``""`` for none); ``behaviours`` maps
    a path (``/index/work.html``) to its ``Behaviour`` and may be changed while serving;
    ``tls`` (a certificate file and its key file) serves HTTPS instead.
    """

    def __init__(
        self,
        root: str | Path,
        *,
        charset: str = "utf-8",
        behaviours: dict[str, Behaviour] | None = None,
        tls: tuple[str | Path, str | Path] | None = None,
    ):
        self.root = Path(root).resolve()
        self.charset = charset
        self.behaviours: dict[str, Behaviour] = dict(behaviours or {})
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"site": self}))
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, name="localsite", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(
        self, path: str, headers: dict[str, str], status: int, method: str = "GET", body: bytes = b""
    ) -> None:
        with self._lock:
            self.requests.append(RecordedRequest(path, headers, time.monotonic(), status, method, body))

    def posts(self, path: str | None = None) -> list[RecordedRequest]:
        """The POST requests received (to ``path``, or anywhere), in order: webhooks under test."""
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and path in (None, r.path)]

    def _next_status(self, behaviour: Behaviour) -> int | None:
        with self._lock:
            return behaviour.statuses.pop(0) if behaviour.statuses else None


class _Handler(BaseHTTPRequestHandler):
    """Answers for one ``LocalSite`` (set as ``site`` on a subclass made per server)."""

    site: LocalSite
    protocol_version = "HTTP/1.1"
    server_version = "localsite"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read site.requests
        pass

    def do_HEAD(self) -> None:
        self._answer_unless_gone(send_body=False)

    def do_GET(self) -> None:
        self._answer_unless_gone(send_body=True)

    def _arrive(self, behaviour: Behaviour) -> None:
        """Count the request and say it came; hold it if it is the first one ``hold_first`` holds."""
        with self.site._lock:
            behaviour.arrivals += 1
            first = behaviour.arrivals == 1
        behaviour.arrived.set()
        if first and behaviour.hold_first is not None:
            behaviour.hold_first.wait(120)

    def do_POST(self) -> None:
        """A webhook: the body is recorded; the answer is the scripted status, else 200 with
        ``behaviour.body`` or a JSON that every chat service's client reads as success."""
        path = unquote(urlsplit(self.path).path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        behaviour = self.site.behaviours.get(path, Behaviour())
        self._arrive(behaviour)
        if behaviour.delay:
            time.sleep(behaviour.delay)
        status = self.site._next_status(behaviour) or 200
        answer = behaviour.body
        if answer is None:
            answer = _WEBHOOK_OK_CODE_0 if path.startswith(_CODE_0_HOSTS) else _WEBHOOK_OK
        self.site._record(path, headers, status, "POST", body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", behaviour.content_type or "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer_unless_gone(self, send_body: bool) -> None:
        try:
            self._answer(send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a time-out, a cancelled download)

    def _answer(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        behaviour = self.site.behaviours.get(path, Behaviour())
        self._arrive(behaviour)
        if behaviour.delay:
            time.sleep(behaviour.delay)
        status = self.site._next_status(behaviour)
        if behaviour.redirect is not None and (status is None or 300 <= status < 400):
            self._send(
                status or 302, b"", {"Location": behaviour.redirect, **behaviour.headers}, path, headers
            )
        elif status is not None and status != 200:
            body = f"<html><body><h1>{status}</h1></body></html>".encode()
            out = {"Content-Type": "text/html", **behaviour.headers}
            self._send(status, body, out, path, headers, send_body)
        elif behaviour.size is not None:
            self._send_generated(behaviour, path, headers, send_body)
        else:
            self._send_content(behaviour, path, headers, send_body)

    def _send_content(
        self, behaviour: Behaviour, path: str, headers: dict[str, str], send_body: bool
    ) -> None:
        body, modified = self._content(path, behaviour)
        if body is None:
            not_found = b"<html><body>not found</body></html>"
            self._send(404, not_found, {"Content-Type": "text/html"}, path, headers)
            return
        out = {"Content-Type": self._content_type(path, behaviour), **behaviour.headers}
        if behaviour.validators:
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            out["ETag"] = etag
            out["Last-Modified"] = formatdate(modified, usegmt=True)
            if self._not_modified(headers, etag, modified):
                self._send(304, b"", {"ETag": etag}, path, headers)
                return
        self._send(200, body, out, path, headers, send_body, behaviour.chunk_delay)

    def _content(self, path: str, behaviour: Behaviour) -> tuple[bytes | None, float]:
        if behaviour.body is not None:
            return behaviour.body, 1_700_000_000.0
        root = self.site.root
        file = (root / path.lstrip("/")).resolve()
        if path.endswith("/"):
            file = file / "index.html"
        if not file.is_relative_to(root) or not file.is_file():
            return None, 0.0
        return file.read_bytes(), int(file.stat().st_mtime)

    def _content_type(self, path: str, behaviour: Behaviour) -> str:
        if behaviour.content_type:
            return behaviour.content_type
        guessed = mimetypes.guess_type(path)[0] or "text/html"
        charset = self.site.charset if behaviour.charset is None else behaviour.charset
        if guessed.startswith("text/") and charset:
            return f"{guessed}; charset={charset}"
        return guessed

    @staticmethod
    def _not_modified(headers: dict[str, str], etag: str, modified: float) -> bool:
        if "if-none-match" in headers:
            return etag in [t.strip() for t in headers["if-none-match"].split(",")]
        if "if-modified-since" in headers:
            try:
                return parsedate_to_datetime(headers["if-modified-since"]).timestamp() >= modified
            except (TypeError, ValueError):
                return False
        return False

    def _send_generated(
        self, behaviour: Behaviour, path: str, headers: dict[str, str], send_body: bool
    ) -> None:
        size = behaviour.size or 0
        self.site._record(path, headers, 200)
        self.send_response(200)
        self.send_header("Content-Type", self._content_type(path, behaviour))
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if not send_body:
            return
        chunk = b"<p>" + b"x" * 1017 + b"</p>\n"
        for _ in range(size // len(chunk)):
            self.wfile.write(chunk)
        self.wfile.write(b" " * (size % len(chunk)))

    def _send(
        self,
        status: int,
        body: bytes,
        out: dict[str, str],
        path: str,
        headers: dict[str, str],
        send_body: bool = True,
        chunk_delay: float = 0.0,
    ) -> None:
        self.site._record(path, headers, status)
        self.send_response(status)
        for name, value in out.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not send_body or status == 304:
            return
        if chunk_delay:
            for start in range(0, len(body), 1024):
                self.wfile.write(body[start : start + 1024])
                self.wfile.flush()
                time.sleep(chunk_delay)
        else:
            self.wfile.write(body)


# What WeCom, DingTalk, PushPlus, Telegram, ntfy … answer when they took a message. Feishu and Lark
# say success with ``code: 0`` where PushPlus says it with 200 (Apprise 2.3 reads both), so their
# hosts get their own answer.
_WEBHOOK_OK = b'{"errcode": 0, "errmsg": "ok", "code": 200, "msg": "ok", "ok": true, "StatusCode": 0}'
_WEBHOOK_OK_CODE_0 = b'{"code": 0, "msg": "success", "StatusCode": 0}'
_CODE_0_HOSTS = ("/open.feishu.cn/", "/open.larksuite.com/")


@contextmanager
def serve(root: str | Path, **kwargs: object) -> Iterator[LocalSite]:
    """``with serve(dir) as site: site.url("index/work.html")`` — the server stops on exit."""
    site = LocalSite(root, **kwargs)  # type: ignore[arg-type]
    with site:
        yield site


def sample_site_root() -> Path:
    """The bundled sample site (a ruankao.org.cn look-alike) used by the offline demo."""
    return Path(__file__).resolve().parent / "sample_site"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a directory on 127.0.0.1 (default: the sample site).")
    parser.add_argument("root", nargs="?", default=str(sample_site_root()))
    args = parser.parse_args(argv)
    with serve(args.root) as site:
        print(site.url("index/work.html"), flush=True)
        threading.Event().wait()  # until Ctrl-C


if __name__ == "__main__":
    main()
