"""A real HTTP proxy on 127.0.0.1 in front of the test server that injects faults on
request: the client talks to it over TCP exactly as to the server.

Faults, each used once when a request's path matches:
- ``"500"``: answer 500 without forwarding (nothing reached the server);
- ``"500_after"``: forward (the server applies it), then answer 500 (the answer is lost);
- ``"drop_after"``: forward, send half of the answer, then close the connection;
- ``"drop_before"``: close the connection without forwarding;
- ``"slow"``: wait `slow_seconds`, then forward (the client times out first).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


@dataclass
class Faults:
    upstream: str
    plan: list[tuple[str, str]] = field(default_factory=list)  # (path fragment, fault)
    used: list[tuple[str, str]] = field(default_factory=list)
    slow_seconds: float = 1.5
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, path: str) -> str | None:
        with self.lock:
            for i, (fragment, fault) in enumerate(self.plan):
                if fragment in path:
                    del self.plan[i]
                    self.used.append((path, fault))
                    return fault
        return None


def _handler(faults: Faults) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            pass

        def _forward(self) -> requests.Response:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in {"host", "content-length", "connection"}}
            return requests.request(self.command, faults.upstream + self.path, data=body,
                                    headers=headers, timeout=60)

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            fault = faults.take(self.path)
            if fault == "500":
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(500, b"injected", "text/plain")
                return
            if fault == "drop_before":
                self.close_connection = True
                self.connection.close()
                return
            if fault == "slow":
                time.sleep(faults.slow_seconds)
            upstream = self._forward()
            if fault == "500_after":
                self._send(500, b"injected after forwarding", "text/plain")
                return
            if fault == "drop_after":
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content[: len(upstream.content) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.close()
                return
            self._send(upstream.status_code, upstream.content,
                       upstream.headers.get("content-type", "application/json"))

        do_GET = _handle
        do_POST = _handle

    return Proxy


@contextmanager
def proxy(upstream: str) -> Iterator[tuple[str, Faults]]:
    """A proxy to `upstream` (scheme://host:port); yields its base URL and its faults."""
    faults = Faults(upstream)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(faults))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", faults
    finally:
        server.shutdown()
        server.server_close()
