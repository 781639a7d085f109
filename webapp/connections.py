"""Connection limits for uvicorn: a deadline for a request's headers, on top of its idle timeout and cap.

uvicorn closes a keep-alive connection that stays idle after a response (`timeout_keep_alive`) and
answers 503 past `limit_concurrency` connections, but it waits for a request's headers forever: a client
that opens a connection and sends a byte now and then holds it, and 200 such clients hold 200. With
`HeaderDeadline` a connection has `header_timeout_s` to send a whole request head, from when it opens and
again after each response; past that it is closed. The body is not timed here: its size is capped
(security.BodyLimit), and the app reads it only as it needs it.

Only uvicorn's h11 implementation is extended (httptools is not installed; webapp/server.py asks for h11).
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0


class HeaderDeadline(H11Protocol):
    header_timeout_s = HEADER_TIMEOUT_S
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:  # not when a pipelined request is already under way
            self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if self._deadline is not None and self.conn.their_state is not h11.IDLE:  # a whole head arrived
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def with_header_timeout(seconds: float) -> type[HeaderDeadline]:
    """The protocol class for uvicorn's `http=` with this deadline."""
    return type("HeaderDeadline", (HeaderDeadline,), {"header_timeout_s": seconds})
