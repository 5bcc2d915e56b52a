"""HTML and DOCX through Pandoc (``pypandoc-binary``) with citeproc and a CSL style.

Pandoc reads the Markdown with raw HTML, raw attributes and raw TeX disabled, so
untrusted text can only ever become text. The bibliography is the CSL JSON that
:mod:`reviewtools.export.formats.markdown` builds (only http(s) URLs survive); a Lua
filter then links each reference's DOI (when the style did not) and PMID. Pandoc's
warnings are read: a citation key it cannot find is an :class:`ExportError`.

Styles are a small registry of CSL files bundled in ``exporters/csl/`` (copied
verbatim from github.com/citation-style-language/styles); any ``.csl`` path works too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from reviewtools.errors import ExportError, InputError
from reviewtools.export.context import ExportContext
from reviewtools.export.figures import figures_for
from reviewtools.export.formats.markdown import PANDOC_FROM, csl_items, render
from reviewtools.export.formats.styles import (  # noqa: E402, F401 - re-exported
    ALIASES,
    CSL_DIR,
    DEFAULT_STYLE,
    STYLES,
    Style,
)

TIMEOUT = 120  # seconds for one Pandoc run

# Runs after citeproc: adds a DOI link (unless the style printed one) and a PMID link to each
# reference, from ids.json ({key: {doi, pmid}}) in Pandoc's working folder. Values are checked.
LUA_FILTER = r"""
local ids = {}
do
  local fh = io.open("ids.json", "r")
  if fh then
    ids = pandoc.json.decode(fh:read("a"), false)
    fh:close()
  end
end

local function has_doi_link(div)
  local found = false
  div:walk({ Link = function(l)
    if l.target:match("doi%.org/") then found = true end
  end })
  return found
end

function Div(div)
  local key = div.identifier:match("^ref%-(.+)$")
  if not key or not ids[key] then return nil end
  local extra = {}
  local doi, pmid = ids[key].doi, ids[key].pmid
  if doi and doi:match("^10%.%d+/%S+$") and not has_doi_link(div) then
    extra[#extra + 1] = pandoc.Link("doi:" .. doi, "https://doi.org/" .. doi)
  end
  if pmid and pmid:match("^%d+$") then
    extra[#extra + 1] = pandoc.Link("PMID: " .. pmid,
                                    "https://pubmed.ncbi.nlm.nih.gov/" .. pmid .. "/")
  end
  if #extra == 0 then return nil end
  local last = div.content[#div.content]
  if not last or (last.t ~= "Para" and last.t ~= "Plain") then return nil end
  local target = last.content
  local tail = target[#target]
  if tail and tail.t == "Span" and tail.classes:includes("csl-right-inline") then
    target = tail.content
  end
  for _, link in ipairs(extra) do
    target:insert(pandoc.Space())
    target:insert(link)
  end
  return div
end

return { { Div = Div } }
"""

def resolve_style(style: str | os.PathLike[str] | None) -> Path | None:
    """A CSL file for ``style`` (a registry name or a path); None means Pandoc's default.

    An unknown name lists the bundled styles.
    """
    name = str(style) if style is not None else DEFAULT_STYLE
    key = ALIASES.get(name.lower(), name.lower())
    if key in STYLES:
        file = STYLES[key].file
        return CSL_DIR / file if file else None
    path = Path(name).expanduser()
    if path.suffix == ".csl":
        if not path.is_file():
            raise InputError(f"CSL style file not found: {path}")
        return path.resolve()
    choices = ", ".join(f"{s.name} ({s.label})" for s in STYLES.values())
    raise InputError(f"unknown citation style {name!r}; choose one of {choices}, "
                     "or give the path of a .csl file")


def pandoc_path() -> str:
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise ExportError("Pandoc is not available; install pypandoc-binary",
                          hint=str(exc)) from None


_MISSING = re.compile(r"[Cc]itation (\S+?) not found")


def missing_citations(stderr: str) -> list[str]:
    """Citation keys Pandoc reported as not found."""
    return sorted(set(_MISSING.findall(stderr)))


def run_pandoc(ctx: ExportContext, to: str, out_name: str, extra: list[str], *,
               files: dict[str, str] | None = None,
               finish: Callable[[bytes], bytes] | None = None) -> Path:
    """Render the summary to ``out_name`` in ``ctx.out_dir`` (atomically).

    ``files`` are written into Pandoc's working folder first (a template); ``finish`` turns
    Pandoc's output into the bytes written.
    """
    items = csl_items(ctx)
    figures = figures_for(ctx)
    markdown = render(ctx, figures=figures, target="html" if to.startswith("html") else "md")
    style = resolve_style(ctx.style)
    ids = {str(i["id"]): {k: str(i[v]) for k, v in (("doi", "DOI"), ("pmid", "PMID")) if v in i}
           for i in items}
    out = ctx.path(out_name)
    out_dir = ctx.out_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="reviewtools-pandoc-") as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "references.json").write_text(json.dumps(items, ensure_ascii=False),
                                                encoding="utf-8")
        (tmpdir / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
        (tmpdir / "links.lua").write_text(LUA_FILTER, encoding="utf-8")
        for name, text in (files or {}).items():
            (tmpdir / name).write_text(text, encoding="utf-8")
        partial = tmpdir / f"out-{out.name}"  # our own folder: no planted file can be in it
        # Paths relative to the temporary folder (Pandoc's cwd): DOCX records them.
        args = [pandoc_path(), "--from", PANDOC_FROM, "--to", to, "--standalone",
                "--citeproc", "--bibliography", "references.json",
                "--lua-filter", "links.lua", "--resource-path", str(out_dir),
                "--output", partial.name, *extra]
        if style is not None:
            shutil.copyfile(style, tmpdir / "style.csl")
            args += ["--csl", "style.csl"]
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(ctx.source_date_epoch))
        try:
            proc = subprocess.run(args, input=markdown.encode("utf-8"), capture_output=True,
                                  timeout=TIMEOUT, env=env, cwd=tmpdir, check=False)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Pandoc took longer than {TIMEOUT} s", path=out) from None
        stderr = proc.stderr.decode("utf-8", "replace")
        missing = missing_citations(stderr)
        if proc.returncode != 0 or missing:
            if missing:
                raise ExportError("Pandoc could not resolve citation keys: "
                                  + ", ".join(missing), path=out)
            raise ExportError(f"Pandoc failed (exit {proc.returncode}): "
                              + (stderr.strip().splitlines() or ["no message"])[-1], path=out)
        data = partial.read_bytes()
        ctx.write_bytes(out_name, finish(data) if finish else data)
    return out


def write_html(ctx: ExportContext) -> list[Path]:
    """summary.html: the page to publish (:mod:`reviewtools.export.formats.page`): one
    self-contained file, figures inlined as SVG, no scripts."""
    from reviewtools.export.formats.page import finish_html, template
    folder = ctx.out_dir
    return ctx.once("html", lambda: [run_pandoc(
        ctx, "html5", "summary.html",
        ["--section-divs", "--toc", "--toc-depth=2", "--wrap=none", "--template", "page.html"],
        files={"page.html": template()}, finish=lambda data: finish_html(data, folder))])


def write_docx(ctx: ExportContext) -> list[Path]:
    """summary.docx with the figures embedded (dated from the review data)."""
    return [run_pandoc(ctx, "docx", "summary.docx", [])]


def write_pdf(ctx: ExportContext) -> list[Path]:
    """summary.pdf: the page printed by headless Chromium (the HTML is written first)."""
    from reviewtools.export.formats.page import chromium_path, html_to_pdf, pdf_dated
    chromium = chromium_path()  # say so before any work when Chromium is missing
    html = write_html(ctx)[0]
    return [ctx.write_bytes("summary.pdf", pdf_dated(html_to_pdf(html, chromium=chromium),
                                                     ctx))]
