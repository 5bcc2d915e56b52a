"""references.bib access: reading, locating entries, and byte-preserving edits.

Reading goes through bibtexparser v2. Writing never re-serialises the whole file:
:class:`BibFile` knows the character span of every block, so a change is a splice
of one entry's text (or an append at the end) and every other byte stays as it was.

>>> bf = BibFile.from_text('@article{smith2020sleep, title = {Sleep}, year = {2020}}\\n')
>>> [e.key for e in bf.entries]
['smith2020sleep']
>>> format_entry("article", "k", [("title", "A {DNA} study")])
'@article{k,\\n  title = {A {DNA} study},\\n}\\n'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bibtexparser
from bibtexparser.model import Entry, ImplicitComment
from bibtexparser.splitter import Splitter

from reviewtools.errors import BibError

# ---------------------------------------------------------------------------------------------
# parsing (the first-cut API used by checks.py, appraisal.py and notebook.py)


def _line_of(block) -> int:  # noqa: ANN001 - bibtexparser Block
    return (getattr(block, "start_line", 0) or 0) + 1


# Text bibtexparser leaves outside an entry that looks like the rest of one: a comma, a
# field assignment or the closing brace right after it. A stray '}' ends an entry early.
_LEFTOVER = re.compile(r"\A\s*[,}]|^\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]", re.M)


def parse_bib(text: str, path: Path | str = "references.bib"):  # noqa: ANN201
    """Parse BibTeX text; any block bibtexparser could not read is an error naming its line."""
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        first = library.failed_blocks[0]
        why = getattr(first, "error", None)
        detail = f": {why}" if why else ""
        raise BibError(f"line {_line_of(first)}: cannot parse this block "
                       f"({type(first).__name__}{detail}); {len(library.failed_blocks)} bad "
                       "block(s) in all", path=path,
                       hint="fix the file by hand; nothing was written")
    previous = None
    for block in library.blocks:
        if isinstance(block, ImplicitComment) and isinstance(previous, Entry) \
                and _LEFTOVER.search(block.raw or ""):
            raise BibError(f"line {_line_of(block)}: text after entry '{previous.key}' ends "
                           "looks like more of its fields (a stray '}' in a field?)", path=path,
                           hint="balance the braces of that entry; nothing was written")
        previous = block
    return library


def read_bib_text(path: Path | str) -> str:
    """The text of a bib file, exact (no newline translation); not UTF-8 is a BibError."""
    path = Path(path)
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BibError(f"not UTF-8 text (byte {exc.start})", path=path,
                       hint="save it as UTF-8") from None


def _index(path: str):  # noqa: ANN202 - reviewtools.store.index.Index, imported on use
    from reviewtools.settings import Settings
    from reviewtools.store.index import Index
    return Index.of(Settings.from_env(root=Path(path).parent))


def _decode(stored: dict[str, str]) -> dict[str, dict[str, str]] | None:
    """Entries read back from the index, or ``None`` if any is damaged (then re-parse)."""
    import json
    out: dict[str, dict[str, str]] = {}
    for key, text in stored.items():
        try:
            fields = json.loads(text)
        except ValueError:
            return None
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            return None
        out[key] = fields
    return out


@lru_cache(maxsize=8)
def _entries_cached(path: str, stamp: tuple[int, int, int, int]) -> dict[str, dict[str, str]]:
    from reviewtools.store.cache import is_settled
    from reviewtools.store.index import dumps
    index = _index(path)
    stored = index.bib_entries(path, stamp, None)
    found = _decode(stored) if stored is not None else None
    if found is not None:
        return found
    library = parse_bib(read_bib_text(path), path)
    found = {e.key: {f.key.lower(): str(f.value) for f in e.fields} for e in library.entries}
    if is_settled(stamp[1]):
        index.put_bib(path, stamp, {k: dumps(v) for k, v in found.items()})
    return found


def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns


def entries(path: Path) -> dict[str, dict[str, str]]:
    """All entries of a bib file as ``{key: {field: value}}``.

    Cached in memory and in the derived index (:mod:`reviewtools.store.index`) by size,
    modification time, inode and change time, so a warm ``check`` or ``export`` does not
    re-parse a large bib. Treat the result as read-only.
    """
    path = Path(path)
    stamp = _stamp(path)
    if stamp is None:
        return {}
    return _entries_cached(str(path.resolve()), stamp)


def entries_of(path: Path, keys: Iterable[str]) -> dict[str, dict[str, str]]:
    """The entries ``keys`` of a bib file (those it has), as :func:`entries` gives them.

    While the file is unchanged since it was indexed, only those entries are read (one
    query); otherwise the whole file is parsed once and indexed.
    """
    path = Path(path)
    stamp = _stamp(path)
    if stamp is None:
        return {}
    resolved = str(path.resolve())
    wanted = list(dict.fromkeys(keys))
    stored = _index(resolved).bib_entries(resolved, stamp, wanted)
    found = _decode(stored) if stored is not None else None
    if found is not None:
        return found
    every = _entries_cached(resolved, stamp)
    return {k: every[k] for k in wanted if k in every}


# ---------------------------------------------------------------------------------------------
# normalisation helpers

_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                       "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "ı": "i"})
_LATEX_CMD = re.compile(r"\\(?:[A-Za-z]+\s*|.)")
_TAG = re.compile(r"</?[A-Za-z][^>]{0,40}>")


def ascii_fold(text: str) -> str:
    """Drop accents and fold a few letters without decomposition (ß, ø, ł, æ) to ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_ACCENT_CMDS = set("\"'`^~=.uvHcdbkr")


def _latex_cmd(m: re.Match[str]) -> str:
    """Drop a LaTeX command (``\\emph``, an accent like ``\\'``); keep an escaped symbol."""
    c = m.group(0)[1]
    return "" if c.isalpha() or c in _ACCENT_CMDS else c


def plain_text(value: str) -> str:
    """Readable text of a BibTeX value: LaTeX commands, braces and HTML tags removed."""
    text = _LATEX_CMD.sub(_latex_cmd, _TAG.sub("", value))
    text = text.replace("{", "").replace("}", "")
    return " ".join(text.split())


def normalise_title(value: str) -> str:
    """Lower-case, accent-free, punctuation-free title for duplicate detection."""
    text = ascii_fold(plain_text(value)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def identifier_text(value: str) -> str:
    """An identifier field's text: braces and LaTeX escapes (``\\_``) removed, nothing else."""
    return re.sub(r"\\([_%&#$])", r"\1", value).replace("{", "").replace("}", "").strip()


def normalise_doi(value: str) -> str:
    """Bare lower-case DOI from a bib ``doi`` field ('' if it holds none)."""
    text = identifier_text(value).lower()
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text)
    return text if text.startswith("10.") else ""


def normalise_pmid(value: str) -> str:
    text = re.sub(r"^(?:pmid:\s*)", "", identifier_text(value).lower())
    return text if text.isdigit() else ""


def normalise_pmcid(value: str) -> str:
    text = identifier_text(value).upper()
    if text.isdigit():
        text = "PMC" + text
    return text if re.fullmatch(r"PMC\d+", text) else ""


def year_of(fields: dict[str, str]) -> int | None:
    """The year of an entry from ``year`` or, failing that, biblatex ``date``."""
    for name in ("year", "date"):
        m = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", fields.get(name, ""))
        if m:
            return int(m.group(1))
    return None


def split_authors(value: str) -> list[str]:
    """Split a BibTeX name list on `` and `` outside braces."""
    names, depth, start = [], 0, 0
    i = 0
    while i < len(value):
        c = value[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and value[i:i + 5].lower() == " and ":
            names.append(value[start:i])
            start = i + 5
            i += 5
            continue
        i += 1
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def surname(name: str) -> str:
    """Surname of one BibTeX name ('Huang, Li' / 'Li Huang' / '{WHO Group}')."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return plain_text(name)
    if "," in name:
        return plain_text(name.split(",", 1)[0])
    parts = plain_text(name).split()
    return parts[-1] if parts else ""


def first_surname(fields: dict[str, str]) -> str:
    names = split_authors(fields.get("author", ""))
    return surname(names[0]) if names else ""


# ---------------------------------------------------------------------------------------------
# writing values and entries


def encode_value(value: object) -> str:
    """Text to put between ``{`` and ``}``: whitespace collapsed, unmatched braces escaped.

    Balanced braces pass through (so ``{DNA}`` keeps protecting case); an unmatched
    ``{`` or ``}`` becomes ``\\{``/``\\}``; a trailing backslash, and a backslash
    followed by another (which the parser would read as escaping what follows), becomes
    ``\\textbackslash{}``. The result can never end the entry or start a new block early.
    """
    text = " ".join(str(value).split())
    out: list[str] = []
    open_at: list[int] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] != "\\":
            out.append(text[i:i + 2])  # an escaped character is no delimiter for the parser
            i += 2
            continue
        if c == "\\":
            out.append("\\textbackslash{}")
        elif c == "{":
            open_at.append(len(out))
            out.append("{")
        elif c == "}":
            if open_at:
                open_at.pop()
                out.append("}")
            else:
                out.append("\\}")
        else:
            out.append(c)
        i += 1
    for pos in open_at:
        out[pos] = "\\{"
    return "".join(out)


_TEX_SPECIAL = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "$": "\\$", "%": "\\%",
                "&": "\\&", "#": "\\#", "_": "\\_", "^": "\\^{}", "~": "\\~{}"}
_TEX_SPECIAL_RE = re.compile(r"[\\{}$%&#_^~]")


def escape_tex(value: str) -> str:
    """A value from a service or an import file made inert for TeX: every backslash, brace
    and TeX special character is escaped, so ``\\input{x}`` is text, never a command.

    >>> print(escape_tex(r"A \\input{x} & 5% study"))
    A \\textbackslash{}input\\{x\\} \\& 5\\% study
    """
    return _TEX_SPECIAL_RE.sub(lambda m: _TEX_SPECIAL[m.group(0)], value)


_TEX_ESCAPED_RE = re.compile(r"\\textbackslash\{\}|\\\^\{\}|\\~\{\}|\\([{}$%&#_])")


def unescape_tex(value: str) -> str:
    """Undo :func:`escape_tex` (exactly: ``unescape_tex(escape_tex(s)) == s``)."""
    def one(m: re.Match[str]) -> str:
        text = m.group(0)
        return m.group(1) or {"\\textbackslash{}": "\\", "\\^{}": "^", "\\~{}": "~"}[text]
    return _TEX_ESCAPED_RE.sub(one, value)


def decode_value(value: str) -> str:
    """Undo :func:`encode_value`'s escapes (exact for values written without backslashes)."""
    return value.replace("\\textbackslash{}", "\\").replace("\\{", "{").replace("\\}", "}")


def format_field(name: str, value: object, indent: str = "  ") -> str:
    return f"{indent}{name} = {{{encode_value(value)}}}"


def format_entry(entry_type: str, key: str, fields: list[tuple[str, object]]) -> str:
    """A new entry, one field a line, every value in braces, trailing newline."""
    body = "".join(format_field(n, v) + ",\n" for n, v in fields)
    return f"@{entry_type}{{{key},\n{body}}}\n"


# ---------------------------------------------------------------------------------------------
# a bib file with block positions


@dataclass
class BibEntry:
    """One entry of a bib file and where its text lies (``text[start:end]`` is ``raw``)."""

    key: str
    entry_type: str
    fields: dict[str, str]
    start: int
    end: int
    line: int
    raw: str

    @property
    def doi(self) -> str:
        return normalise_doi(self.fields.get("doi", ""))

    @property
    def pmid(self) -> str:
        return normalise_pmid(self.fields.get("pmid", ""))

    @property
    def pmcid(self) -> str:
        return normalise_pmcid(self.fields.get("pmcid", ""))

    @property
    def year(self) -> int | None:
        return year_of(self.fields)

    @property
    def title_key(self) -> tuple[str, int | None] | None:
        title = normalise_title(self.fields.get("title", ""))
        return (title, self.year) if title else None


@dataclass
class BibFile:
    """The text of a bib file, its parsed entries and their positions.

    ``BibFile.load(path)`` refuses a file with any block bibtexparser could not read
    (:class:`BibError` naming the line), so nothing is ever written over one.
    """

    text: str
    path: Path | None = None
    entries: list[BibEntry] = field(default_factory=list)
    by_key: dict[str, BibEntry] = field(default_factory=dict)
    _by_id: dict[tuple[str, object], BibEntry] | None = field(default=None, repr=False)
    _by_title: dict[tuple[str, int | None], list[BibEntry]] | None = field(default=None,
                                                                          repr=False)

    @classmethod
    def load(cls, path: Path | str) -> BibFile:
        path = Path(path)
        if not path.exists():
            return cls(text="", path=path)
        return cls.from_text(read_bib_text(path), path)

    @classmethod
    def from_text(cls, text: str, path: Path | str | None = None) -> BibFile:
        library = parse_bib(text, path or "references.bib")
        bf = cls(text=text, path=Path(path) if path else None)
        pos = 0
        for block in library.blocks:
            raw = block.raw or ""
            at = text.find(raw, pos) if raw else -1
            if at < 0:
                raise BibError(f"line {_line_of(block)}: cannot locate this block in the file",
                               path=path)
            pos = at + len(raw)
            if isinstance(block, Entry):
                fields = {f.key.lower(): str(f.value) for f in block.fields}
                entry = BibEntry(block.key, block.entry_type, fields, at, pos,
                                 _line_of(block), raw)
                bf.entries.append(entry)
                bf.by_key[block.key] = entry
        return bf

    def find(self, *, doi: str = "", pmid: str = "", pmcid: str = "", title: str = "",
             year: int | None = None, author: str = "") -> BibEntry | None:
        """The entry for the same work, or ``None``.

        Same DOI, then PMID, then PMCID; failing those, the same normalised title, year
        and first-author surname (``author``), and only when no identifier both records
        hold differs. Two records with different identifiers are never the same work, and
        title + year alone never match.
        """
        index = self._index()
        ids = {"doi": doi.lower(), "pmid": pmid, "pmcid": pmcid.upper()}
        for kind, value in ids.items():
            entry = index.get((kind, value)) if value else None
            if entry is not None and not _ids_conflict(entry, ids):
                return entry
        tkey = normalise_title(title) if title else ""
        name = name_key(author)
        if not (tkey and name):
            return None
        for entry in self._titles().get((tkey, year), []):
            if name_key(first_surname(entry.fields)) == name and not _ids_conflict(entry, ids):
                return entry
        return None

    def add_entry(self, entry: BibEntry) -> None:
        """Register an entry created by an edit, so later look-ups in a batch find it."""
        self.entries.append(entry)
        self.by_key[entry.key] = entry
        self.reindex(entry)

    def reindex(self, entry: BibEntry) -> None:
        """Index an entry's (possibly just changed) DOI, PMID, PMCID and title."""
        self._index_add(self._index(), entry)
        titles = self._titles()
        if entry.title_key and entry not in titles.setdefault(entry.title_key, []):
            titles[entry.title_key].append(entry)

    def _index(self) -> dict[tuple[str, object], BibEntry]:
        if self._by_id is None:
            self._by_id = {}
            for e in self.entries:
                self._index_add(self._by_id, e)
        return self._by_id

    def _titles(self) -> dict[tuple[str, int | None], list[BibEntry]]:
        if self._by_title is None:
            self._by_title = {}
            for e in self.entries:
                if e.title_key:
                    self._by_title.setdefault(e.title_key, []).append(e)
        return self._by_title

    @staticmethod
    def _index_add(index: dict, e: BibEntry) -> None:
        for kind, value in (("doi", e.doi), ("pmid", e.pmid), ("pmcid", e.pmcid)):
            if value:
                index.setdefault((kind, value), e)


def name_key(name: str) -> str:
    """A surname folded for comparison: accent-free, lower-case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(plain_text(name)).lower())


def _ids_conflict(entry: BibEntry, ids: dict[str, str]) -> bool:
    """Whether the entry and a record hold different values of the same identifier kind."""
    mine = {"doi": entry.doi, "pmid": entry.pmid, "pmcid": entry.pmcid}
    return any(ids.get(kind) and mine[kind] and ids[kind] != mine[kind] for kind in mine)


# ---------------------------------------------------------------------------------------------
# splicing fields into an entry's own text


_FIELD_KEY = re.compile(r"[^\s=,{}()\"#%]+")


def _field_spans(raw: str) -> list[tuple[str, int, int]] | None:
    """``(name, value_start, value_end)`` for each field of one entry's raw text.

    Uses bibtexparser's splitter on the entry alone (raw values with their
    enclosing), then finds each ``name = value`` in order. ``None`` if the text
    cannot be mapped exactly (the caller then rewrites the whole entry).
    """
    lib = Splitter(raw).split()
    if len(lib.entries) != 1 or lib.failed_blocks:
        return None
    spans, pos = [], raw.find(",")
    if pos < 0:
        return [] if not lib.entries[0].fields else None
    for f in lib.entries[0].fields:
        m = re.compile(re.escape(f.key) + r"\s*=\s*").search(raw, pos)
        if not m or raw[m.end():m.end() + len(f.value)] != f.value:
            return None
        spans.append((f.key.lower(), m.end(), m.end() + len(f.value)))
        pos = m.end() + len(f.value)
    return spans


def edit_entry(raw: str, changes: dict[str, str]) -> str:
    """Return ``raw`` with the fields in ``changes`` set (added if missing).

    Only the changed values' bytes differ; new fields go after the last field,
    with the entry's own indentation. Values are encoded with :func:`encode_value`.
    """
    spans = _field_spans(raw)
    if spans is None:
        raise BibError("cannot edit this entry in place (unusual layout)")
    present = {name for name, _, _ in spans}
    out = raw
    for name, start, end in reversed(spans):
        if name in changes:
            out = out[:start] + "{" + encode_value(changes[name]) + "}" + out[end:]
    new = [(n, v) for n, v in changes.items() if n not in present]
    if not new:
        return out
    spans = _field_spans(out)
    if spans is None:  # pragma: no cover - we just wrote braced values
        raise BibError("cannot edit this entry in place (unusual layout)")
    indent = "  "
    m = re.search(r"\n([ \t]+)\S", raw)
    if m:
        indent = m.group(1)
    if spans:
        after = spans[-1][2]
        rest = out[after:]
        comma = re.match(r"\s*,", rest)
        if comma:  # "last = {x},\n}" -> keep the trailing-comma style
            insert_at = after + comma.end()
            text = "".join("\n" + format_field(n, v, indent) + "," for n, v in new)
            return out[:insert_at] + text + out[insert_at:]
        text = "".join(",\n" + format_field(n, v, indent) for n, v in new)
        return out[:after] + text + out[after:]
    head = out.find(",")
    if head < 0:  # "@article{key}" with no fields at all
        close = len(out) - 1
        return out[:close] + ",\n" + "".join(format_field(n, v, indent) + ",\n"
                                              for n, v in new) + out[close:]
    return out[:head + 1] + "".join("\n" + format_field(n, v, indent) + "," for n, v in new) \
        + out[head + 1:]
