"""Gradio's temp folder, owned by this app: made at start, emptied at start and on exit.

Gradio keeps uploads and generated files in GRADIO_TEMP_DIR, by default a folder in /tmp shared by every
Gradio app on the host, which its file route serves. This app uploads and generates nothing (the routes
are closed, webapp/gradio_routes.py), and its folder is its own so that nothing of another app's is
within reach. A marker file says the folder is ours: a folder without it that is not empty is never
emptied, so a mistyped GUIDE_TEMP_DIR cannot delete anything else.
"""

from __future__ import annotations

import atexit
import os
import shutil
from pathlib import Path

MARKER = ".guide-assistant-temp"


def claim(folder: Path) -> Path:
    """Make `folder` Gradio's temp folder (set GRADIO_TEMP_DIR before gradio is imported), empty it now
    and at exit. Raises ValueError for a folder that holds files and is not ours."""
    folder = folder.resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(folder.iterdir()) and not (folder / MARKER).exists():
        raise ValueError(f"{folder} is not empty and was not made by this app; choose another GUIDE_TEMP_DIR")
    empty(folder)
    (folder / MARKER).write_text("Gradio's temp folder of the Career Guide Assistant; emptied at start and exit.\n")
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    atexit.register(empty, folder)
    return folder


def empty(folder: Path) -> None:
    """Delete everything in `folder` but the marker; links are removed, never followed."""
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
