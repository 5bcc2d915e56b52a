"""Rendering for the evidence-profile figures (forest plots, risk-of-bias traffic lights).

Like :mod:`reviewtools.export.figures`, figures are built on
:class:`matplotlib.figure.Figure` (no pyplot) and rendered without timestamps, with a fixed
``svg.hashsalt`` so the same input gives the same bytes. Unlike those figures, text stays
text in the SVG (``svg.fonttype: none``), so labels can be searched, read by screen readers
and checked by tests. Text from studies is drawn literally: mathtext is off.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from matplotlib.figure import Figure

from reviewtools.errors import ExportError

RC = {"svg.hashsalt": "reviewtools-evidence", "text.parse_math": False, "font.size": 9,
      "svg.fonttype": "none", "path.simplify": True, "font.family": "DejaVu Sans"}
FORMATS = ("svg", "png")


class FigureError(ExportError, ValueError):
    """A figure cannot be drawn from the records given."""


@contextmanager
def style() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def render(fig: Figure, fmt: str = "svg") -> bytes:
    """SVG or PNG bytes of a figure, deterministic for the same figure."""
    if fmt not in FORMATS:
        raise FigureError(f"unknown figure format {fmt!r}; formats: {', '.join(FORMATS)}")
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else {"Software": None}
    with style():
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
    return buf.getvalue()
