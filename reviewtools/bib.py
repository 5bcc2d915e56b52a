"""references.bib access (first cut: reading; the literature layer adds writing)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import bibtexparser

from .errors import BibError


def _line_of(block) -> int:  # noqa: ANN001 - bibtexparser Block
    return (getattr(block, "start_line", 0) or 0) + 1


def parse_bib(text: str, path: Path | str = "references.bib"):  # noqa: ANN201
    """Parse BibTeX text; any block bibtexparser could not read is an error naming its line."""
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        first = library.failed_blocks[0]
        raise BibError(f"line {_line_of(first)}: cannot parse this block "
                       f"({type(first).__name__}); {len(library.failed_blocks)} bad block(s) "
                       "in all", path=path)
    return library


@lru_cache(maxsize=8)
def _entries_cached(path: str, size: int, mtime: int) -> dict[str, dict[str, str]]:
    library = parse_bib(Path(path).read_text(encoding="utf-8"), path)
    return {e.key: {f.key.lower(): str(f.value) for f in e.fields} for e in library.entries}


def entries(path: Path) -> dict[str, dict[str, str]]:
    """All entries of a bib file as ``{key: {field: value}}`` (cached by size and mtime)."""
    path = Path(path)
    if not path.is_file():
        return {}
    st = path.stat()
    return _entries_cached(str(path.resolve()), st.st_size, st.st_mtime_ns)
