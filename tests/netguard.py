"""Run exilekg (or a probe) in a process whose network access is disabled.

    python -m tests.netguard exilekg build CORPUS --out OUT
    python -m tests.netguard --probe HOST PORT [--no-guard]

The guard replaces ``socket.getaddrinfo`` (and the other name lookups),
``socket.create_connection`` and the ``connect``, ``connect_ex`` and ``sendto`` of Internet
sockets with functions that raise :class:`NetworkBlocked`; Unix sockets still work. Every
attempt is also appended to the file named by ``EXILEKG_NETWORK_LOG``, so an attempt that the
code under test catches and survives is still seen by the test.

``--probe`` tries to reach HOST:PORT (and to look a name up) in the ways Python code does, and
prints one JSON object: each way's outcome, ``blocked`` (by the guard), ``connected`` or
``error: ...``. With ``--no-guard`` it runs without the guard, as the control.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

LOG_ENV = "EXILEKG_NETWORK_LOG"
INTERNET = (socket.AF_INET, socket.AF_INET6)


class NetworkBlocked(OSError):
    """A network access attempted under the guard."""


def install(log: Path | None = None) -> None:
    """Disable network access for the rest of this process."""

    def refuse(what: str, *args: object) -> NoReturn:
        message = f"network access blocked: {what}{args!r}"
        if log is not None:
            with log.open("a", encoding="utf-8") as stream:
                stream.write(message + "\n")
        raise NetworkBlocked(message)

    def lookup(name: str) -> Callable[..., NoReturn]:
        def blocked(*args: object, **kwargs: object) -> NoReturn:
            refuse(name, *args)

        return blocked

    def method(name: str) -> Callable[..., Any]:
        original = getattr(socket.socket, name)

        def guarded(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
            if self.family in INTERNET:
                refuse(f"socket.{name}", *args)
            return original(self, *args, **kwargs)

        return guarded

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
        setattr(socket, name, lookup(f"socket.{name}"))
    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, method(name))


def _outcome(attempt: Callable[[], object]) -> str:
    try:
        attempt()
    except Exception as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, NetworkBlocked):
                return "blocked"
            cause = cause.__cause__ or cause.__context__ or _reason(cause)
        return f"error: {type(error).__name__}: {error}"
    return "connected"


def _reason(error: BaseException) -> BaseException | None:
    # urllib3 keeps the socket error as ``reason``; urllib as ``reason`` too.
    reason = getattr(error, "reason", None)
    return reason if isinstance(reason, BaseException) else None


def probe(host: str, port: int) -> dict[str, str]:
    import requests

    def raw_socket() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect((host, port))

    def create_connection() -> None:
        socket.create_connection((host, port), timeout=5).close()

    def requests_get() -> None:
        with requests.Session() as session:
            session.trust_env = False  # no proxy: straight to HOST:PORT
            session.get(f"http://{host}:{port}/", timeout=5)

    def urllib_open() -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        opener.open(f"http://{host}:{port}/", timeout=5).close()

    def lookup() -> None:
        socket.getaddrinfo("localhost", port)

    attempts = {
        "socket.connect": raw_socket,
        "socket.create_connection": create_connection,
        "requests.get": requests_get,
        "urllib": urllib_open,
        "getaddrinfo": lookup,
    }
    return {name: _outcome(attempt) for name, attempt in attempts.items()}


def main(argv: Sequence[str]) -> int:
    log = os.environ.get(LOG_ENV)
    args = list(argv)
    if args[:1] == ["--probe"]:
        guard = "--no-guard" not in args
        host, port = [arg for arg in args[1:] if arg != "--no-guard"]
        if guard:
            install(Path(log) if log else None)
        print(json.dumps(probe(host, int(port))))
        return 0
    if args[:1] != ["exilekg"]:
        print(__doc__, file=sys.stderr)
        return 2
    install(Path(log) if log else None)
    from exilekg.cli import cli

    cli.main(args=args[1:], prog_name="exilekg")  # exits with the command's status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
