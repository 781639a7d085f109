"""The JSON API: `POST /api/ask` returns the answer record, and every error is `{"error", "message"}`.

The route validates the request, hands the question to the live assistant and returns `Answer.to_dict()`
with one field of the server's own: `index_stale` (webapp/watch.py, `IndexFreshness`). Statuses: 422
invalid input (`invalid_json` when the body does not parse), 413 a question or body too large, 503 no
usable index; the origin check and the rate limit (403, 429) live in `security.Guard`, the body size
limit in `security.BodyLimit`, and use the same error body.
Text in the record is returned raw (not HTML-escaped): integrators must escape it, see docs/api.md.
Left out on purpose: streaming, authentication, and any other endpoint than asking.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import fastapi
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.assistant import MAX_QUESTION_CHARS, QuestionError, validate_question
from assistant.store import IndexError_

# A question is at most 2,000 characters; the rest is room for a long conversation history.
# `security.BodyLimit` refuses larger bodies: from their Content-Length, else while they are read.
MAX_BODY_BYTES = 256 * 1024
# Caps on what a client sends back of an earlier answer: far above what an answer holds.
MAX_KIND_CHARS = 20
MAX_HISTORY_CITATIONS = 20
MAX_SECTION_CHARS = 500
MAX_EXCERPT_CHARS = 8000
QUESTION_ERROR_STATUS = {"empty": 422, "invalid": 422, "too_long": 413}
# What a client is told when there is no usable index; the reason, with the server's paths, goes to the log.
NOT_READY = (
    "The assistant is not ready: its index is missing or damaged. The server log says why; the operator "
    "rebuilds it with `python -m assistant build`."
)
log = logging.getLogger("webapp.api")


class HistoryCitation(BaseModel):
    """A citation of an earlier answer, as the client got it; other fields of the record are ignored."""

    section: str = Field(max_length=MAX_SECTION_CHARS, description='Section path, parts joined by " > ".')
    excerpt: str = Field(max_length=MAX_EXCERPT_CHARS, description="The excerpt as it was quoted.")


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    kind: str | None = Field(
        default=None, max_length=MAX_KIND_CHARS, description="An assistant turn's `kind`, as its record had it."
    )
    citations: list[HistoryCitation] | None = Field(
        default=None,
        max_length=MAX_HISTORY_CITATIONS,
        description='An assistant turn\'s citations (at least "section" and "excerpt"), so that "what is the '
        'fourth one for?" finds the items of that answer.',
    )


class AskRequest(BaseModel):
    question: str = Field(
        description=f"The question, at most {MAX_QUESTION_CHARS:,} characters.", examples=["Do I need a PhD?"]
    )
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, oldest first; follow-ups use them.")


class Citation(BaseModel):
    n: int = Field(description="The number used as [n] in the answer text.")
    source: str = Field(description="Corpus file, relative to the project.")
    section: str = Field(description='Section path, parts joined by " > ".')
    excerpt: str = Field(description="Verbatim lines start_line..end_line of the source.")
    start_line: int
    end_line: int
    score: float
    highlight: list[int] = Field(description="Lines inside the excerpt that answer the question.")


class AnswerRecord(BaseModel):
    question: str
    abstained: bool = Field(description="True when the guide does not cover the question.")
    answer: str = Field(description="Markdown with [n] citation markers; raw text, escape it before display.")
    citations: list[Citation]
    suggestions: list[str] = Field(
        description="Questions the guide answers: after a refusal, the nearest ones; after an answer, related ones."
    )
    kind: Literal["answer", "abstain", "greeting", "social", "language", "empty"] = Field(
        description="social: thanks, ok, bye (a short reply, no citations); language: not in English."
    )
    not_covered: list[str] = Field(
        description='What the question asks that the guide never mentions, in the asker\'s words (["Toronto"]); '
        "empty when nothing is missing. The answer's first line names them."
    )
    latency_ms: float
    index_stale: str | None = Field(
        default=None,
        description="null, or a sentence for a person when the guide changed since the index was built: the "
        "answer quotes the text as it was indexed. The server's log says which files changed.",
    )


class ErrorBody(BaseModel):
    error: str = Field(
        description="A stable kind: invalid, invalid_json, empty, too_long, too_large, rate_limited, rate_limit_unavailable, origin_not_allowed, host_not_allowed, index_not_ready, not_found."
    )
    message: str = Field(description="A sentence for a person.")


def error_response(status: int, kind: str, message: str, **extra: str) -> JSONResponse:
    return JSONResponse({"error": kind, "message": message, **extra}, status_code=status)


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in [
        (403, "The request's Origin is not on the allow-list."),
        (413, "The question or the request body is too large."),
        (422, "The request is not valid JSON of the documented shape, or the question is empty."),
        (429, "Rate-limited; the Retry-After header says how many seconds to wait."),
        (503, "No usable index yet (the message says which command builds it), or rate_limit_unavailable."),
    ]
}

router = fastapi.APIRouter(prefix="/api", tags=["ask"])


@router.post("/ask", response_model=AnswerRecord, responses=ERRORS)
def ask(body: AskRequest, request: fastapi.Request) -> JSONResponse:
    """Answer a question about the guide with numbered, verbatim citations."""
    # A plain `def`: FastAPI runs it in a worker thread, so a slow retrieval does not block the server.
    try:
        question = validate_question(body.question)
    except QuestionError as exc:
        return error_response(QUESTION_ERROR_STATUS[exc.kind], exc.kind, str(exc))
    try:
        assistant = request.app.state.live.get()
    except IndexError_ as exc:
        log.error("answering 503: %s", exc)
        return error_response(503, "index_not_ready", NOT_READY)
    answer = assistant.ask(question, [turn.model_dump(exclude_none=True) for turn in body.history])
    return JSONResponse({**answer.to_dict(), "index_stale": request.app.state.freshness.notice})


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def not_found(request: fastapi.Request) -> JSONResponse:
    # Without it, an unknown /api/ path falls through to the Gradio mount and its {"detail"} body.
    message = f"There is no {request.method} {request.url.path}; the API is POST /api/ask, documented at /api/docs."
    return error_response(404, "not_found", message)


def install(app: fastapi.FastAPI) -> None:
    """Add the API routes and make every error of the app's own routes use the error body."""
    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: fastapi.Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        unparsed = next((e for e in errors if e.get("type") == "json_invalid"), None)
        if unparsed is not None:  # json.JSONDecodeError: FastAPI keeps its reason and position
            reason = unparsed.get("ctx", {}).get("error", "it does not parse")
            loc = unparsed.get("loc", ())
            where = f" at character {loc[-1]}" if len(loc) > 1 and isinstance(loc[-1], int) else ""
            return invalid_json(f"{reason}{where}")
        return error_response(422, "invalid", _describe(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: fastapi.Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI turns any other failure to parse the body into a bare 400 raised from the parser's error.
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError | RecursionError):
            return invalid_json(_parse_failure(exc.__cause__))
        return error_response(exc.status_code, "http_error", str(exc.detail))


EXAMPLE = 'Send JSON like {"question": "Do I need a PhD?", "history": []}.'


def invalid_json(reason: str) -> JSONResponse:
    return error_response(422, "invalid_json", f"The request body is not valid JSON: {reason}. {EXAMPLE}")


def _parse_failure(exc: ValueError | RecursionError) -> str:
    """Why `json.loads` gave up, for a person: invalid UTF-8, nesting too deep, a number too long."""
    if isinstance(exc, UnicodeDecodeError):
        return f"it is not UTF-8 (byte 0x{exc.object[exc.start]:02x} at position {exc.start})"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if "digits" in str(exc):  # Python's limit on integer string conversion (4,300 digits by default)
        return "a number in it has too many digits"
    return str(exc).rstrip(".") or type(exc).__name__


def _describe(errors: list[Any]) -> str:
    """Pydantic's error list as one sentence: 'question: Field required; ...'."""
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return f"The request is not valid: {'; '.join(parts)}. {EXAMPLE}"
