"""PubMed exports in MEDLINE format (``.nbib``, "PubMed" format ``.txt``), read by rispy.

MEDLINE has four-character tags (``PMID-``, ``AB  -``), continuation lines indented by
six spaces and a blank line between records; :class:`MedlineParser` adapts rispy's
parser to that layout.
"""

from __future__ import annotations

import re
from typing import ClassVar

import rispy

from reviewtools.literature.importers.base import ImportResult, build

_TAGS = ("PMID", "TI", "AB", "FAU", "AU", "CN", "DP", "JT", "TA", "VI", "IP", "PG", "LID", "AID",
         "PMC")
_END = "ER"
_RECORD_GAP = re.compile(r"\n[ \t]*\n(?=PMID-)")


class MedlineParser(rispy.RisParser):
    """rispy's parser for MEDLINE tags (records are closed by an inserted ``ER`` line)."""

    START_TAG = "PMID"
    END_TAG = _END
    DEFAULT_MAPPING: ClassVar[dict] = {t: t for t in (*_TAGS, _END)}
    DEFAULT_LIST_TAGS: ClassVar[list[str]] = ["FAU", "AU", "CN", "LID", "AID"]
    DEFAULT_DELIMITER_MAPPING: ClassVar[dict] = {}

    def parse_line(self, line: str) -> tuple[str, str] | tuple[None, str]:
        if len(line) >= 5 and line[4] == "-" and line[:4].strip().isalnum():
            return line[:4].strip(), line[5:].strip()
        return None, line.strip()


def _doi(ids: list[str]) -> str:
    for value in ids:
        if value.strip().endswith("[doi]"):
            return value.strip().removesuffix("[doi]").strip()
    return ""


def read(text: str, source: str) -> ImportResult:
    """Records of a PubMed MEDLINE export (full author names from ``FAU`` when present)."""
    body = _RECORD_GAP.sub(f"\n{_END}  - \n\n", text.lstrip("\ufeff").replace("\r\n", "\n"))
    entries = rispy.loads(body + f"\n{_END}  - \n", implementation=MedlineParser,
                          skip_unknown_tags=True)
    result = ImportResult()
    for n, e in enumerate(entries, start=1):
        build(result, source, n, {
            "title": e.get("TI", ""), "authors": e.get("FAU") or e.get("AU") or e.get("CN"),
            "year": e.get("DP", ""), "journal": e.get("JT") or e.get("TA", ""),
            "volume": e.get("VI", ""), "number": e.get("IP", ""), "pages": e.get("PG", ""),
            "doi": _doi([*e.get("LID", []), *e.get("AID", [])]), "pmid": e.get("PMID", ""),
            "pmcid": e.get("PMC", ""), "abstract": e.get("AB", ""),
        })
    return result
