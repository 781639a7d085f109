"""Which of Gradio's routes this app offers, and the checks Gradio leaves out on the ones it keeps.

Gradio mounts routes for features the chat does not use: file uploads and the file server, a URL proxy,
media streams, the dev-mode reload stream, the monitoring dashboard, and the direct `run/` and `api/`
calls that skip the queue (and with it the concurrency limit of the answering events). `GradioRoutes`
answers all of them 404 before Gradio sees the request, so nothing is read or written to disk.

On the routes that stay, it refuses what Gradio would turn into a 500 and a traceback in the log, or
run although the app marked it private:
- `call/<name>` (Gradio's HTTP API) only for the public endpoints (`gr.api(..., api_name="chat")`); the
  UI's own events are private, and private means not callable by name;
- `queue/join` only with an `fn_index` the app has (the page joins the queue with the index of the UI
  event; an unknown one is a KeyError inside Gradio).

Left out on purpose: the page, its assets, the config and the queue's event stream, which Gradio serves
as it always does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .security import refuse

GRADIO = "/gradio_api/"
# Prefixes of routes the app does not offer, each with the reason given to a client that asks.
NO_UPLOADS = "This server takes no file uploads and serves no files besides its own page."
CLOSED: tuple[tuple[str, str], ...] = (
    (GRADIO + "upload", NO_UPLOADS),
    (GRADIO + "process_recording", NO_UPLOADS),
    (GRADIO + "file=", NO_UPLOADS),
    (GRADIO + "file/", NO_UPLOADS),
    (GRADIO + "proxy=", "This server fetches nothing on a client's behalf."),
    (GRADIO + "stream/", "This server streams no media."),
    (GRADIO + "dev/", "This server does not run in development mode."),
    (GRADIO + "vibe-edit", "This server does not run in development mode."),
    (GRADIO + "undo-vibe-edit", "This server does not run in development mode."),
    (GRADIO + "run-history", "This server keeps no run history."),
    (GRADIO + "custom_component/", "This server has no custom components."),
    ("/monitoring", "This server has no monitoring dashboard."),
    (GRADIO + "run/", "Direct calls are closed: use POST /gradio_api/call/chat, gradio_client, or POST /api/ask."),
    (GRADIO + "api/", "Direct calls are closed: use POST /gradio_api/call/chat, gradio_client, or POST /api/ask."),
)
CALL = GRADIO + "call/"
QUEUE_JOIN = GRADIO + "queue/join"


def closed_reason(path: str) -> str | None:
    """Why `path` is not offered, or None when Gradio may answer it."""
    return next((reason for prefix, reason in CLOSED if path.startswith(prefix)), None)


def called_name(path: str) -> str:
    """`/gradio_api/call/v2/chat` or `/gradio_api/call/chat/<event_id>` -> `chat`."""
    parts = path[len(CALL) :].strip("/").split("/")
    if parts[0] == "v2" and len(parts) > 1:
        return parts[1]
    return parts[0]


class GradioRoutes:
    """ASGI middleware around the Gradio mount: closes unused routes, checks call names and fn_index.

    `public_names` are the api_names anyone may call; `fn_indexes` every event the page may join.
    Mounted inside BodyLimit, so the body it reads to check `fn_index` is already capped.
    """

    def __init__(self, app, public_names: Iterable[str], fn_indexes: Iterable[int]):
        self.app = app
        self.public_names = frozenset(public_names)
        self.fn_indexes = frozenset(fn_indexes)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        reason = closed_reason(path)
        if reason is not None:
            await refuse(scope, receive, send, 404, "not_found", f"There is no {path} here. {reason}")
            return
        if path.startswith(CALL) and called_name(path) not in self.public_names:
            names = ", ".join(sorted(self.public_names))
            message = f"There is no public endpoint {called_name(path)!r}; the API offers {names}."
            await refuse(scope, receive, send, 404, "not_found", message)
            return
        if path.rstrip("/") == QUEUE_JOIN and scope["method"] == "POST":
            body, receive = await read_body(receive)
            problem = self.fn_index_problem(body)
            if problem is not None:
                await refuse(scope, receive, send, 422, "invalid", problem)
                return
        await self.app(scope, receive, send)

    def fn_index_problem(self, body: bytes) -> str | None:
        """What is wrong with the `fn_index` of a queue/join body; None when it names an event, or when the
        body is not a JSON object, which Gradio itself answers with a 422."""
        try:
            payload = json.loads(body or b"null")
        except (ValueError, RecursionError):
            return None
        if not isinstance(payload, dict):
            return None
        fn_index = payload.get("fn_index")
        if isinstance(fn_index, int) and not isinstance(fn_index, bool) and fn_index in self.fn_indexes:
            return None
        return f"fn_index {str(fn_index)[:40]!r} names no event of this app."


async def read_body(receive):
    """The whole request body, and a `receive` that hands the same messages to the app again."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    replay = iter(messages)

    async def replaying_receive():
        try:
            return next(replay)
        except StopIteration:
            return await receive()

    return body, replaying_receive
