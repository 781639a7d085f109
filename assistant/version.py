"""The package version, in a module of its own so that building an index records it without importing
the answering stack."""

__version__ = "0.1.0"
