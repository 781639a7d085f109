"""Web shells around the assistant pipeline: the Gradio chat window, the JSON API and the embed widget.

Nothing here retrieves or composes answers; it validates input, calls `assistant`, and renders.
"""
