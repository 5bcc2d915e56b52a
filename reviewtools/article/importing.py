"""Import an article (plain text, Markdown, HTML or an http(s) URL) as a text snapshot.

The snapshot is the plain text the claims are anchored to: the title on the
first line, then one line per heading and per paragraph. Offsets in claim
files are character offsets into this text.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests
import urllib3
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from reviewtools.errors import ArticleImportError
from reviewtools.http.session import make_session
from reviewtools.model.records import now
from reviewtools.settings import Settings

MAX_ARTICLE_BYTES = 5_000_000
URL_TIMEOUT = (5.0, 20.0)  # connect, read (seconds)
URL_DEADLINE = 60.0  # seconds for a whole download
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown",
              "text/x-markdown")
_HEADING_MAX_WORDS = 14
# Characters a sentence (not a heading) ends with, Western and CJK/full-width forms.
_SENTENCE_END = ".!?:;,\"'”)…。！？：；，、」』）．"
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "template", "svg", "iframe", "button")
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote")


@dataclass
class Block:
    kind: str  # "title" | "heading" | "paragraph"
    text: str


@dataclass
class PageContext:
    """What surrounds the article on its page: the page title, the header and footer lines
    and the contact lines (phone, e-mail, address), and the brand or business names in them.
    Sentence kinds use it to tell a business's advertisement from an article."""

    title: str = ""
    lines: list[str] = field(default_factory=list)  # header, footer and contact lines
    names: list[str] = field(default_factory=list)  # brand or business names found in them

    @property
    def commercial(self) -> bool:
        """True if the page names a business (in its title, header, footer or contacts)."""
        return bool(self.names)


_CONTACT = re.compile(r"(?:\+?\d[\d ()./-]{7,}\d|[\w.+-]+@[\w-]+\.[\w.]+|\b(?:tel|phone|call us"
                      r"|contact us|e-?mail|address|opening hours|book (?:now|online|an "
                      r"appointment))\b|©|\(c\) \d{4}|all rights reserved)", re.IGNORECASE)
_BUSINESS = ("Spa", "Salon", "Studio", "Wellness", "Clinic", "Clinics", "Centre", "Center",
             "Therapy", "Therapies", "Health", "Holistics", "Labs", "Ltd", "Limited", "Inc",
             "LLC", "GmbH", "Co", "Company", "Beauty", "Sauna", "Saunas", "Retreat", "Shop",
             "Store", "Pharmacy", "Naturals", "Botanicals", "Foods")
_NAME = re.compile(r"\b((?:[A-Z][\w'&-]*|&)(?: (?:[A-Z][\w'&-]*|&)){0,4})")


def business_names(lines: list[str]) -> list[str]:
    """Brand or business names in page-context lines: capitalised runs ending in a business
    word ('Ashlee Spa'), or the holder named after a copyright sign ('© 2024 Zendith')."""
    found: list[str] = []
    for line in lines:
        for m in re.finditer(r"(?i:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*"
                             r"([A-Z][\w'&-]*(?: (?!All\b)[A-Z][\w'&-]*){0,3})", line):
            found.append(m.group(1))
        for m in _NAME.finditer(line):
            words = m.group(1).split()
            while words and words[-1] not in _BUSINESS:
                words.pop()
            if len(words) >= 2:
                found.append(" ".join(words))
    names: list[str] = []
    for name in found:
        name = name.strip(" .&")
        if len(name) > 2 and name.lower() not in {n.lower() for n in names} \
                and name.lower() not in ("all rights", "all rights reserved"):
            names.append(name)
    return names


_DOMAIN_BUSINESS = ("spa", "salon", "studio", "wellness", "clinic", "clinics", "centre",
                    "center", "sauna", "saunas", "therapy", "therapies", "holistics", "labs",
                    "beauty", "retreat", "shop", "store", "pharmacy", "naturals", "botanicals")


def domain_name(url: str) -> str:
    """A business name from a site's domain when the domain ends with a business word
    ('zendithspa.com' -> 'Zendith Spa'); '' otherwise."""
    try:
        host = (urlparse(url).hostname or "").removeprefix("www.")
    except ValueError:  # a malformed address ('https://[.com/') names no business
        return ""
    stem = host.split(".")[0] if host else ""
    stem = re.sub(r"[^a-z0-9-]", "", stem.lower())
    for word in sorted(_DOMAIN_BUSINESS, key=len, reverse=True):
        head = stem.removesuffix(word).strip("-")
        if stem.endswith(word) and len(head) >= 2:
            return " ".join(w.capitalize() for w in [*head.split("-"), word] if w)
    return ""


def page_context(title: str, lines: list[str], url: str = "") -> PageContext:
    """The context of a page from its title, its header, footer and contact lines, and the
    site's own address (``url``: where it was fetched, or its canonical link)."""
    lines = [_clean(x) for x in lines if _clean(x)][:60]
    parts = [p.strip() for p in re.split(r"\s[|–—-]\s|\s::\s", title) if p.strip()]
    names = business_names([*(parts[1:] if len(parts) > 1 else []), *lines])
    site = domain_name(url) if url.startswith(("http://", "https://")) else ""
    if site and site.lower() not in {n.lower() for n in names}:
        names.append(site)
    return PageContext(title=title, lines=lines, names=names)


@dataclass
class ArticleText:
    """An imported article: snapshot text, its blocks with offsets, and provenance."""

    title: str
    text: str
    blocks: list[tuple[Block, int, int]] = field(default_factory=list)
    source: str = ""
    media_type: str = "text/plain"
    original: bytes = b""
    retrieved: str = field(default_factory=now)
    context: PageContext = field(default_factory=PageContext)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.original or self.text.encode("utf-8")).hexdigest()


def load_article(source: str, settings: Settings | None = None) -> ArticleText:
    """Read ``source`` (a path or an http(s) URL) and return its text snapshot."""
    scheme = urlparse(source).scheme.lower()
    charset = None
    if scheme in ("http", "https"):
        data, media_type, charset = fetch_article(source, settings or Settings.from_env())
    elif scheme and len(scheme) > 1:
        raise ArticleImportError(f"unsupported URL scheme '{scheme}:' (only http and https)")
    else:
        data, media_type = _read_file(Path(source))
    if media_type == "text/html":
        charset = charset or declared_charset(data)
    text = decode(data, source, charset)
    blocks = parse_blocks(text, media_type)
    article = build_article(blocks, source=source, media_type=media_type, original=data)
    article.context = context_of(text, media_type, article.title, source)
    return article


def context_of(text: str, media_type: str, title: str, source: str = "") -> PageContext:
    """The page context (:class:`PageContext`) of an article's source text; ``source`` is
    where it came from (a URL names the site)."""
    if media_type == "text/html":
        return html_context(text, source)
    lines = [_clean(x) for x in text.splitlines() if _clean(x)]
    contact = [x for x in lines if _CONTACT.search(x) and len(x.split()) <= 25]
    return page_context(title, contact, source)


def html_context(text: str, source: str = "") -> PageContext:
    """Title, header, footer and contact lines of an HTML page, and its site's address
    (the canonical link or og:url, else ``source``)."""
    soup = BeautifulSoup(text, "lxml")
    title = _clean(soup.title.get_text()) if soup.title else ""
    lines: list[str] = []
    for tag in soup.find_all(("header", "footer", "address")):
        lines += [x for x in tag.get_text("\n").splitlines() if x.strip()]
    for a in soup.find_all("a", href=True):
        if a["href"].startswith(("tel:", "mailto:")):
            lines.append(a.get_text(" ") or a["href"].split(":", 1)[1])
    for meta in soup.find_all("meta", attrs={"property": "og:site_name"}):
        lines.append(str(meta.get("content", "")))
    canonical = soup.find("link", rel="canonical", href=True) or soup.find(
        "meta", attrs={"property": "og:url"})
    url = str(canonical.get("href") or canonical.get("content") or "") if canonical else ""
    for x in soup.get_text("\n").splitlines():
        if _CONTACT.search(x) and len(x.split()) <= 25:
            lines.append(x)
    return page_context(title, list(dict.fromkeys(_clean(x) for x in lines)), url or source)


def _read_file(path: Path) -> tuple[bytes, str]:
    if not path.is_file():
        raise ArticleImportError("no such file", path=path)
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ArticleImportError(
            f"file is {size / 1e6:.1f} MB; articles larger than {MAX_ARTICLE_BYTES / 1e6:.0f} MB "
            "are refused", path=path)
    suffix = path.suffix.lower()
    media_type = {".md": "text/markdown", ".markdown": "text/markdown", ".html": "text/html",
                  ".htm": "text/html", ".xhtml": "text/html"}.get(suffix, "text/plain")
    return path.read_bytes(), media_type


def fetch_url(url: str, settings: Settings) -> tuple[bytes, str]:
    """Download an article: ``(bytes, media type)``; see :func:`fetch_article`."""
    data, media_type, _ = fetch_article(url, settings)
    return data, media_type


def fetch_article(url: str, settings: Settings, *, deadline: float | None = None
                  ) -> tuple[bytes, str, str | None]:
    """Download an article with a timeout, an overall deadline, a size cap and a
    content-type check: ``(bytes, media type, declared charset or None)``.

    The read timeout bounds each wait for data; ``deadline`` (seconds) bounds the whole
    download (default :data:`URL_DEADLINE`), so a server dripping one byte at a time
    cannot keep it going forever.
    """
    deadline = URL_DEADLINE if deadline is None else deadline
    session = make_session(settings, cache=False)
    started = time.monotonic()
    try:
        with session.get(url, timeout=URL_TIMEOUT, stream=True) as resp:
            if resp.status_code >= 400:
                raise ArticleImportError(f"HTTP {resp.status_code} {resp.reason} for {url}")
            header = resp.headers.get("Content-Type", "")
            ctype = header.split(";")[0].strip().lower()
            if ctype not in TEXT_TYPES:
                raise ArticleImportError(
                    f"{url} is '{ctype or 'unknown'}', not an article "
                    f"(accepted: {', '.join(TEXT_TYPES)})")
            body = bytearray()
            # read1 returns as soon as any data arrives, so the deadline is checked often
            while chunk := resp.raw.read1(65536, decode_content=True):
                body.extend(chunk)
                if len(body) > MAX_ARTICLE_BYTES:
                    raise ArticleImportError(
                        f"{url} is larger than {MAX_ARTICLE_BYTES / 1e6:.0f} MB; refused")
                if time.monotonic() - started > deadline:
                    raise ArticleImportError(
                        f"{url} took longer than {deadline:g} s to download; refused "
                        f"({len(body)} bytes received)")
    except (requests.Timeout, urllib3.exceptions.TimeoutError):
        raise ArticleImportError(f"timed out fetching {url}") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise ArticleImportError(f"could not fetch {url}: {type(exc).__name__}") from None
    media = "text/markdown" if ctype in ("text/markdown", "text/x-markdown") else ctype
    media = "text/html" if media == "application/xhtml+xml" else media
    return bytes(body), media, _charset_param(header)


def _charset_param(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""",
                           re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag in its first 4 KB, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def decode(data: bytes, source: str, charset: str | None = None) -> str:
    """Decode article bytes as text (UTF-8, else the ``charset`` the page declares);
    refuse empty and binary input (a NUL byte anywhere, or many control characters)."""
    if not data.strip():
        raise ArticleImportError("the article is empty", path=source)
    if b"\x00" in data:
        raise ArticleImportError(f"contains a NUL byte (at offset {data.index(0)}); this is a "
                                 "binary file, not an article", path=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _declared(data, charset)
        if text is None:
            raise ArticleImportError(
                f"not UTF-8 text (invalid byte at offset {exc.start}) and no other charset "
                "declared; is it a binary file?", path=source) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8 + len(text) // 1000:
        raise ArticleImportError("contains control characters; looks binary", path=source)
    return text


def _declared(data: bytes, charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return None
    if codec.name in ("utf-8", "utf-8-sig"):
        return None
    try:
        return data.decode(codec.name)
    except UnicodeDecodeError:
        return None


def parse_blocks(text: str, media_type: str) -> list[Block]:
    if media_type == "text/html":
        return html_blocks(text)
    if media_type == "text/markdown":
        return markdown_blocks(text)
    return plain_blocks(text)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def is_heading_line(line: str) -> bool:
    """A plain-text heading: a short line that does not end like a sentence."""
    words = line.split()
    return 0 < len(words) <= _HEADING_MAX_WORDS and line.rstrip()[-1] not in _SENTENCE_END


_CONTINUES = re.compile(r"(,|;|\b(a|an|the|of|and|or|to|in|on|for|with|as|by|from|that|than|"
                       r"is|are|was|were|be|been|has|have|its|their|this|these))$", re.IGNORECASE)
_ENDS_SENTENCE = ".!?:\"'”)…。！？：」』）．"  # a wrapped line never ends with these


def _continues(line: str, nxt: str) -> bool:
    """True if ``nxt`` carries on the sentence of ``line`` (a hard-wrapped paragraph)."""
    if not line or line[-1] in _ENDS_SENTENCE:
        return False
    return nxt[:1].islower() or bool(_CONTINUES.search(line))


def unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines: a line that ends mid-sentence and a next line that carries it
    on (starts in lower case, or follows a comma or a function word) are one line."""
    out: list[str] = []
    for line in lines:
        if out and line and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def plain_blocks(text: str) -> list[Block]:
    lines = [_clean(x) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = unwrap([x for x in lines if x])
    blocks: list[Block] = []
    for i, line in enumerate(lines):
        if i == 0 and is_heading_line(line):
            blocks.append(Block("title", line))
        elif is_heading_line(line):
            blocks.append(Block("heading", line))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def markdown_blocks(text: str) -> list[Block]:
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[Block] = []
    pending: str | None = None
    for tok in tokens:
        if tok.type == "heading_open":
            pending = "title" if tok.tag == "h1" and not blocks else "heading"
        elif tok.type == "paragraph_open" and pending is None:
            pending = "paragraph"
        elif tok.type == "inline" and pending:
            content = _clean(_inline_text(tok))
            if content:
                blocks.append(Block(pending, content))
            pending = None
    return blocks


def _inline_text(tok) -> str:  # noqa: ANN001 - markdown_it Token
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def html_blocks(text: str) -> list[Block]:
    soup = BeautifulSoup(text, "lxml")
    title_tag = soup.find("title")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.find(attrs={"role": "main"}) \
        or soup.body or soup
    blocks: list[Block] = []
    for el in root.find_all(_BLOCKS):
        if el.find_parent(_BLOCKS):  # nested (li inside blockquote ...) counted once
            continue
        content = _clean(el.get_text(" "))
        if not content:
            continue
        if el.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            kind = "title" if el.name == "h1" and not any(b.kind == "title" for b in blocks) \
                else "heading"
            blocks.append(Block(kind, content))
        else:
            blocks.append(Block("paragraph", content))
    if blocks and blocks[0].kind != "title" and title_tag and _clean(title_tag.get_text()):
        blocks.insert(0, Block("title", _clean(title_tag.get_text())))
    return blocks


def build_article(blocks: list[Block], *, source: str, media_type: str,
                  original: bytes = b"") -> ArticleText:
    """Lay blocks out as the snapshot text (one line each) and record their offsets."""
    if not any(b.kind == "paragraph" for b in blocks):
        raise ArticleImportError("no article text found (no paragraphs)", path=source)
    title = next((b.text for b in blocks if b.kind == "title"), blocks[0].text[:80])
    text = "\n".join(b.text for b in blocks) + "\n"
    placed: list[tuple[Block, int, int]] = []
    cursor = 0
    for block in blocks:
        placed.append((block, cursor, cursor + len(block.text)))
        cursor += len(block.text) + 1
    return ArticleText(title=title, text=text, blocks=placed, source=source,
                       media_type=media_type, original=original)
