"""Stage 6, export: drafted wording, figures, the export context and the formats/ writers
(Markdown, HTML and DOCX through Pandoc, CSV, Web Annotations, ClaimReview).

May import the base and every stage before it; nothing imports it but the faces.
"""

from __future__ import annotations

import importlib

__all__ = ["default_out_dir", "export_review", "screenshot"]


def __getattr__(name: str) -> object:
    """``export_review`` and friends from :mod:`reviewtools.export.run`, on first use (the CLI
    reads the format registry without loading the writers)."""
    if name in __all__:
        return getattr(importlib.import_module("reviewtools.export.run"), name)
    raise AttributeError(f"module 'reviewtools.export' has no attribute {name!r}")
