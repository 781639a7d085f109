"""Career Guide Assistant: answers questions about a guide with verbatim, cited excerpts.

The package is the pipeline (corpus -> chunks -> vectors -> index -> retrieval -> answer) and imports
no web framework or argument parser; the chat window, the JSON API and the CLI are thin shells around it.
"""

__version__ = "0.1.0"

from .assistant import Assistant, QuestionError  # noqa: E402

__all__ = ["Assistant", "QuestionError", "__version__"]
