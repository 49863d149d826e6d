"""What the local HTTP servers share (``exilekg serve`` and ``exilekg reconcile serve``): threads,
quiet logging, a URL, serving until interrupted, and one log line for a client that went away.

A browser that follows a link before a page has arrived, or ``curl | head``, closes its socket
while the answer is being written; the standard library then prints a traceback for what is
an everyday event. Here it is one line on standard error, and real faults keep their traceback.
"""

from __future__ import annotations

import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["DISCONNECTS", "LocalServer", "QuietHandler", "serve_forever"]

DISCONNECTS: tuple[type[OSError], ...] = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
"""What writing to (or reading from) a client that closed its connection raises."""


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server that logs a client's disconnect in one line instead of a traceback.

    ``quiet`` silences the request log and those lines (:class:`QuietHandler` reads it).
    """

    daemon_threads = True
    thread_name = "exilekg-serve"

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], *, quiet: bool = False
    ) -> None:
        self.quiet = quiet
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, DISCONNECTS):
            if not self.quiet:
                host, port = client_address[:2]
                sys.stderr.write(
                    f"{host}:{port} closed the connection before the answer was sent "
                    f"({type(error).__name__})\n"
                )
            return
        super().handle_error(request, client_address)

    def start_in_thread(self) -> threading.Thread:
        """Serve in a daemon thread (for tests and embedding); stop with ``shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, name=self.thread_name, daemon=True)
        thread.start()
        return thread


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler whose access log is silenced by its server's ``quiet``."""

    server: LocalServer

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def serve_forever(server: LocalServer) -> None:
    """Serve until interrupted (Ctrl-C), then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
