"""Career Guide Assistant: answers questions about a guide with verbatim, cited excerpts.

The package is the pipeline (corpus -> chunks -> vectors -> index -> retrieval -> answer) and imports
no web framework or argument parser; the chat window, the JSON API and the CLI are thin shells around it.
`Assistant` and `QuestionError` are imported on first use: `python -m assistant build` then loads the
stages that build an index and not the answering stack (retrieval, BM25, the relevance judge).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .assistant import Assistant, QuestionError

__all__ = ["Assistant", "QuestionError", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("Assistant", "QuestionError"):
        from . import assistant

        return getattr(assistant, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
