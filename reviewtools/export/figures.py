"""Figures: the evidence map and per-section certainty bars (matplotlib, Agg, no pyplot).

>>> import reviewtools as rt                                  # doctest: +SKIP
>>> fig = section_figure(rt.open_review("sauna"), "sleep")   # doctest: +SKIP

Figures are built on :class:`matplotlib.figure.Figure` directly, so nothing touches
pyplot's global state; saved files carry no timestamp (same data, same bytes).
Text from the article (section headings) is drawn literally: mathtext is off.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from reviewtools.errors import NotFoundError
from reviewtools.export.context import ExportContext, claim_anchor
from reviewtools.model.records import CERTAINTY_LABEL, VERDICT_LABEL, Claim
from reviewtools.store.cache import cache_file, read_json, write_json
from reviewtools.store.folders import ReviewFolder

CERTAINTY_AXIS: tuple[str, ...] = ("not graded", "very low", "low", "moderate", "high")
# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
VERDICT_COLOUR = {
    "supported": "#009E73",
    "partly supported": "#56B4E9",
    "uncertain": "#E69F00",
    "not supported": "#D55E00",
    "contradicted": "#CC79A7",
    "not testable": "#999999",
    "no evidence": "#BBBBBB",
    "not assessed": "#FFFFFF",
}
VERDICT_ORDER = tuple(VERDICT_COLOUR)
RC = {"svg.hashsalt": "reviewtools", "text.parse_math": False, "font.size": 9,
      "svg.fonttype": "path", "path.simplify": True}


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def verdict_of(claim: Claim) -> str:
    return claim.verdict.value if claim.verdict else "not assessed"


def certainty_of(claim: Claim) -> str:
    return claim.grade.certainty if claim.grade else "not graded"


def _axis_label(level: str) -> str:
    return CERTAINTY_LABEL.get(level, level.capitalize())


def _sections(review: ReviewFolder, claims: Sequence[Claim]) -> list[tuple[str, str]]:
    order = [(s.slug, s.heading) for s in review.meta.sections]
    known = {slug for slug, _ in order}
    for c in claims:
        if c.section not in known:
            order.append((c.section, c.section))
            known.add(c.section)
    present = {c.section for c in claims}
    return [(slug, heading) for slug, heading in order if slug in present]


def _short(text: str, limit: int = 38) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrapped(text: str, width: int = 22, lines: int = 2) -> str:
    import textwrap
    parts = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(parts) > lines:
        parts = [*parts[:lines - 1], _short(" ".join(parts[lines - 1:]), width)]
    return "\n".join(parts)


def evidence_map(review: ReviewFolder, *, claims: Sequence[Claim] | None = None) -> Figure:
    """Claims by section (rows) against certainty (columns), one dot per claim coloured by
    verdict and labelled with its number in the section; in the HTML page each dot links to
    its claim. Sized for a text column (6.6 in), the legend below the plot."""
    claims = list(claims if claims is not None else review.load_claims(include_dropped=False))
    sections = _sections(review, claims)
    with _style():
        fig = Figure(figsize=(6.6, 0.62 * max(len(sections), 2) + 2.3), layout="constrained")
        ax = fig.add_subplot()
        per_row = 5
        for row, (slug, _) in enumerate(sections):
            y0 = len(sections) - 1 - row
            for col, level in enumerate(CERTAINTY_AXIS):
                cell = [c for c in claims if c.section == slug and certainty_of(c) == level]
                for i, c in enumerate(cell):
                    r, k = divmod(i, per_row)
                    n_in_row = min(per_row, len(cell) - r * per_row)
                    x = col + (k - (n_in_row - 1) / 2) * 0.19
                    y = y0 + 0.2 - r * 0.26
                    dot = ax.scatter([x], [y], s=120, color=VERDICT_COLOUR[verdict_of(c)],
                                     edgecolors="#333333", linewidths=0.7, zorder=3)
                    dot.set_urls([f"#{claim_anchor(c)}"])  # in the HTML page: go to the claim
                    label = ax.annotate(c.id.rsplit("-", 1)[1], (x, y), ha="center",
                                        va="center", fontsize=6, zorder=4)
                    label.set_url(f"#{claim_anchor(c)}")
        ax.set_xticks(range(len(CERTAINTY_AXIS)), [_axis_label(x) for x in CERTAINTY_AXIS])
        ax.set_yticks(range(len(sections)),
                      [_wrapped(heading) for _, heading in reversed(sections)])
        ax.set_xlim(-0.6, len(CERTAINTY_AXIS) - 0.4)
        ax.set_ylim(-0.8, len(sections) - 0.3 if sections else 0.5)
        ax.set_xlabel("Certainty of the evidence (GRADE)")
        ax.grid(True, axis="both", color="#dddddd", zorder=0)
        ax.set_axisbelow(True)
        ax.set_title(f"Evidence map: {len(claims)} claims")
        handles = [Patch(facecolor=VERDICT_COLOUR[v], edgecolor="#555555",
                         label=VERDICT_LABEL.get(v, v.capitalize())) for v in VERDICT_ORDER]
        fig.legend(handles=handles, title="Verdict", loc="outside lower center", ncols=3,
                   frameon=False)
    return fig


def section_figure(review: ReviewFolder, section: str, *,
                   claims: Sequence[Claim] | None = None) -> Figure:
    """Certainty bars for one section: claims per certainty level, stacked by verdict."""
    claims = list(claims if claims is not None else review.load_claims(include_dropped=False))
    mine = [c for c in claims if c.section == section]
    if not mine:
        known = sorted({c.section for c in claims})
        raise NotFoundError(f"no claims in section {section!r}; sections: {', '.join(known)}")
    heading = dict(_sections(review, claims)).get(section, section)
    with _style():
        fig = Figure(figsize=(5.4, 3.6), layout="constrained")  # sized for a text column
        ax = fig.add_subplot()
        bottoms = [0] * len(CERTAINTY_AXIS)
        used = []
        for verdict in VERDICT_ORDER:
            counts = [sum(1 for c in mine if certainty_of(c) == level and verdict_of(c) == verdict)
                      for level in CERTAINTY_AXIS]
            if not any(counts):
                continue
            used.append(verdict)
            ax.bar(range(len(CERTAINTY_AXIS)), counts, bottom=bottoms, width=0.6,
                   color=VERDICT_COLOUR[verdict], edgecolor="#333333", linewidth=0.7)
            bottoms = [b + n for b, n in zip(bottoms, counts, strict=True)]
        ax.set_xticks(range(len(CERTAINTY_AXIS)), [_axis_label(x) for x in CERTAINTY_AXIS])
        ax.set_ylabel("Claims")
        ax.set_ylim(0, max(bottoms) + 1)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("Certainty of the evidence (GRADE)")
        ax.set_title(_short(heading, 60) + f" ({len(mine)} claims)")
        fig.legend(handles=[Patch(facecolor=VERDICT_COLOUR[v], edgecolor="#555555",
                                  label=VERDICT_LABEL.get(v, v.capitalize())) for v in used],
                   title="Verdict", loc="outside lower center", ncols=2, frameon=False)
    return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """Render a figure to PNG or SVG bytes without timestamps."""
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else {"Software": None}
    with _style():
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
    return buf.getvalue()


def safe_name(section: str) -> str:
    """A file-name-safe form of a section slug, distinct for distinct slugs.

    A slug already made of ``a-z``, ``0-9`` and inner ``-`` is kept as it is; any other
    (``Sleep``, ``sleep`` differing only in case, or non-ASCII) gets a short hash of the
    original appended, so two sections never share an HTML id or a figure file.
    """
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", section):
        return section
    base = re.sub(r"[^a-z0-9-]+", "-", section.lower()).strip("-") or "section"
    tag = hashlib.sha1(section.encode("utf-8"), usedforsecurity=False).hexdigest()[:6]
    return f"{base}-{tag}"


FIGURES_VERSION = 4  # bump when the drawing code changes, so old renders are not reused


def inputs_digest(ctx: ExportContext) -> str:
    """A hash of everything the figures show, to skip re-rendering unchanged figures."""
    data = [FIGURES_VERSION, matplotlib.__version__,
            [(g.slug, g.heading) for g in ctx.sections],
            [(c.id, c.section, c.text, certainty_of(c), verdict_of(c)) for c in ctx.claims]]
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def save_figures(ctx: ExportContext) -> dict[str, Path]:
    """Write figures/evidence-map.{png,svg} and figures/certainty-<section>.{png,svg}.

    Rendering is the slow part of an export, so figures whose inputs have not changed
    since the last export (same claims, certainties, verdicts, sections) and whose files
    are still byte for byte what that export wrote (both recorded in the cache folder)
    are kept as they are. Returns the PNG path of each figure,
    keyed 'evidence-map' or by section slug.
    """
    stems = [("evidence-map", "evidence-map")] + [
        (g.slug, f"certainty-{safe_name(g.slug)}") for g in ctx.sections]
    digest = inputs_digest(ctx)
    marker = cache_file(ctx.review.settings, "figures", str(ctx.path("figures").resolve()))
    expected = [ctx.path(f"figures/{stem}.{fmt}") for _, stem in stems for fmt in ("png", "svg")]
    if read_json(marker) == {"inputs": digest, "outputs": _output_digests(expected)}:
        return {key: ctx.path(f"figures/{stem}.png") for key, stem in stems}
    out: dict[str, Path] = {}
    written = set()
    for key, stem in stems:
        fig = (evidence_map(ctx.review, claims=ctx.claims) if stem == "evidence-map"
               else section_figure(ctx.review, key, claims=ctx.claims))
        for fmt in ("png", "svg"):
            path = ctx.write_bytes(f"figures/{stem}.{fmt}", figure_bytes(fig, fmt))
            written.add(path.name)
            if fmt == "png":
                out[key] = path
    for old in ctx.path("figures").glob("certainty-*.*"):  # sections that no longer exist
        if old.suffix in (".png", ".svg") and old.name not in written and not old.is_symlink():
            old.unlink()
    write_json(marker, {"inputs": digest, "outputs": _output_digests(expected)})
    return out


def _output_digests(paths: list[Path]) -> list[str | None]:
    """SHA-256 of each file (None if missing or unreadable): reuse needs the very bytes
    the last export wrote, so a file restored or edited since is rendered again."""
    out: list[str | None] = []
    for path in paths:
        try:
            out.append(None if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            out.append(None)
    return out


def figures_for(ctx: ExportContext) -> dict[str, Path]:
    """The figures of this export run, written on first use (see :func:`save_figures`)."""
    if ctx.figure_paths is None:
        ctx.figure_paths = save_figures(ctx)
    return ctx.figure_paths


def written_paths(figs: dict[str, Path]) -> list[Path]:
    """PNG and SVG paths for the figures :func:`save_figures` wrote."""
    return [p.with_suffix(ext) for p in figs.values() for ext in (".png", ".svg")]


__all__ = ["evidence_map", "figure_bytes", "figures_for", "save_figures", "section_figure"]
