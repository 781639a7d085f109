"""Career Guide Assistant: answers questions about a guide with verbatim, cited excerpts.

The package is the pipeline (corpus -> chunks -> vectors -> index -> retrieval -> answer) and imports
no web framework or argument parser; the chat window, the JSON API and the CLI are thin shells around it.
"""

from .assistant import Assistant, QuestionError
from .version import __version__

__all__ = ["Assistant", "QuestionError", "__version__"]
