"""The citation styles the HTML and DOCX exports offer: a registry keyed by short names.

A light module on its own, so the command line can list the styles without loading the
export writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CSL_DIR = Path(__file__).resolve().parent / "csl"


@dataclass(frozen=True)
class Style:
    name: str
    label: str
    file: str | None  # None: Pandoc's built-in Chicago author-date


STYLES: dict[str, Style] = {s.name: s for s in (
    Style("ama", "American Medical Association (numeric, superscript)",
          "american-medical-association.csl"),
    Style("vancouver", "Vancouver / ICMJE (numeric)", "vancouver.csl"),
    Style("harvard", "Elsevier Harvard (author-date)", "elsevier-harvard.csl"),
    Style("chicago", "Chicago author-date (Pandoc's built-in style)", None),
)}
ALIASES = {"american-medical-association": "ama", "elsevier-harvard": "harvard",
           "chicago-author-date": "chicago", "icmje": "vancouver"}
DEFAULT_STYLE = "ama"
