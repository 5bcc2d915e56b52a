"""Scale benchmark: times and peak memory of everyday commands on a large synthetic repository.

Usage::

    .venv/bin/python bench/bench_scale.py            # 1,000 reviews, 30,000 claims (a few min)
    .venv/bin/python bench/bench_scale.py --small    # quick smoke run

Each measurement runs in its own subprocess (so peak memory, ``ru_maxrss``, is that
operation's alone, and no in-process cache leaks from one to the next). Times exclude
interpreter start-up and imports. Beside each figure is the floor measured in the same
run: the time just to read and parse the same files (PyYAML CSafeLoader load of the
evidence files, bibtexparser parse of references.bib).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure this checkout's reviewtools, not an installed one

GOAL_RATIO_CHECK = 1.5
GOAL_WARM_S = 1.0
GOAL_EXPORT_S = 0.5
GOAL_CITE_RATIO = 2.0
GOAL_MEMORY_MB = 2048


# ---- operations (run inside a worker subprocess) -------------------------------------------

def op_floor_yaml(root: Path) -> str:
    import yaml
    n = 0
    for path in sorted((root / "evidence").rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # noqa: S506
        n += 1
    for path in (root / "evidence").glob("*/article.txt"):
        path.read_text(encoding="utf-8")
    return f"{n} files"


def op_floor_bib(root: Path) -> str:
    import bibtexparser
    lib = bibtexparser.parse_string((root / "references.bib").read_text(encoding="utf-8"))
    return f"{len(lib.entries)} entries"


def op_floor_one_review(root: Path) -> str:
    import yaml
    folder = root / "evidence" / _first_slug(root)
    for path in sorted(folder.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # noqa: S506
    return "one review's files"


def op_dataframes(root: Path) -> str:
    """Every claim, link and study of the repository as DataFrames (the notebook API)."""
    from reviewtools.grading.tables import repository_frames
    from reviewtools.settings import Settings
    frames = repository_frames(Settings.from_env(root=root))
    claims_df, links_df, studies_df = frames["claims"], frames["links"], frames["studies"]
    return f"{len(claims_df)} claims, {len(links_df)} links, {len(studies_df)} studies"


def op_dataframes_per_review(root: Path) -> str:
    """The same, one review at a time through the Review facade (records validated)."""
    import pandas as pd

    from reviewtools.review import Review, list_reviews
    from reviewtools.settings import Settings
    from reviewtools.store.folders import load_studies
    settings = Settings.from_env(root=root)
    claims, links = [], []
    for slug in list_reviews(settings):
        review = Review(slug, settings)
        df = review.claims(include_dropped=True)
        df.insert(0, "review", slug)
        claims.append(df)
        links += [{"review": slug, "claim": c.id, **lk.model_dump()}
                  for c in review.load_claims() for lk in c.links]
    claims_df = pd.concat(claims, ignore_index=True)
    links_df = pd.DataFrame(links)
    studies_df = pd.DataFrame([s.model_dump() for s in load_studies(settings).values()])
    return f"{len(claims_df)} claims, {len(links_df)} links, {len(studies_df)} studies"


def _cli(*argv: str) -> str:
    from reviewtools.cli import main as cli
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return f"exit {code}; {(err.getvalue().strip() or out.getvalue().strip()).splitlines()[-1]}"


def op_check(root: Path) -> str:
    return _cli("check", "--root", str(root))


def op_status(root: Path) -> str:
    return _cli("status", "--root", str(root))[:40]


def op_export(root: Path) -> str:
    return _cli("export", _first_slug(root), "--root", str(root), "--format", "md")


def _import_export_stack() -> float:
    """Import what ``export --format md`` imports (outside the figure, reported beside it)."""
    start = time.perf_counter()
    import reviewtools.cli.export
    import reviewtools.export.figures
    import reviewtools.export.formats.markdown
    import reviewtools.export.run
    import reviewtools.review  # noqa: F401
    return time.perf_counter() - start


def op_cite(root: Path) -> str:
    """Add one citation to the big bib (a synthetic work: this is a benchmark folder)."""
    from reviewtools.literature.refs import upsert
    from reviewtools.literature.works import Work
    work = Work(title="Synthetic benchmark entry added by bench_scale", authors=["Bench, Mark"],
                journal="Benchmark Journal", year=2026, doi="10.5555/reviewtools.bench.0001")
    changes = upsert(root / "references.bib", [work], verified_source="benchmark")
    return f"{len(changes)} entry written"


def op_reextract(root: Path) -> str:
    from reviewtools.review import extract_review
    from reviewtools.settings import Settings
    slug = _first_slug(root)
    source = root / "sources" / f"{slug}.txt"
    text = source.read_text(encoding="utf-8")
    text = text.replace("Synthetic section 2\n\n", "Synthetic section 2\n\nSynthetic inserted "
                        "sentence: studies show foot massage changes a made-up outcome.\n\n", 1)
    text = text.replace("in adults", "in older adults", 1)
    source.write_text(text, encoding="utf-8")
    report = extract_review(str(source), slug, settings=Settings.from_env(root=root))
    return report.summary()[:70]


def _first_slug(root: Path) -> str:
    return sorted(p.name for p in (root / "evidence").iterdir() if p.name != "studies")[0]


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


def worker(op: str, root: Path) -> None:
    import bibtexparser  # noqa: F401 - imports are not part of any figure
    import pandas  # noqa: F401
    import yaml  # noqa: F401

    import reviewtools.cli.main
    import reviewtools.grading.checks
    import reviewtools.grading.tables  # noqa: F401
    imports = _import_export_stack() if op == "export" else None
    start = time.perf_counter()
    note = OPS[op](root)
    seconds = time.perf_counter() - start
    if imports is not None:
        note += f"; its imports took {imports:.2f} s more"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "note": note}))


# ---- orchestration ---------------------------------------------------------------------------

def measure(op: str, root: Path, cache: Path) -> dict:
    env = {**os.environ, "REVIEWTOOLS_CACHE_DIR": str(cache)}
    env.pop("NCBI_API_KEY", None)
    proc = subprocess.run([sys.executable, __file__, "--worker", op, "--root", str(root)],
                          env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{op} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(root: Path) -> list[tuple]:
    cache = root.parent / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    fy = measure("floor_yaml", root, cache)
    fb = measure("floor_bib", root, cache)
    f1 = measure("floor_one_review", root, cache)
    floor = fy["seconds"] + fb["seconds"]
    rows = [("floor: YAML load of all evidence files", fy, None, "", fy["note"]),
            ("floor: bibtexparser parse of references.bib", fb, None, "", fb["note"])]
    time.sleep(1.1)  # let every generated file age past the cache's racy-write window
    steps = [
        ("check, cold (empty cache)", "check", floor, f"<= {GOAL_RATIO_CHECK}x floor"),
        ("check, warm (nothing changed)", "check", floor, f"< {GOAL_WARM_S:.0f} s"),
        ("status, warm", "status", fy["seconds"], f"< {GOAL_WARM_S:.0f} s"),
        ("load everything into DataFrames, warm", "dataframes", fy["seconds"],
         f"< {GOAL_WARM_S:.0f} s"),
        ("the same, review by review (validated)", "dataframes_per_review", fy["seconds"], ""),
        ("export one review (excl. Pandoc)", "export", f1["seconds"], f"< {GOAL_EXPORT_S} s"),
        ("export it again (figures reused)", "export", f1["seconds"], f"< {GOAL_EXPORT_S} s"),
        ("add one citation to the big bib", "cite", fb["seconds"],
         f"<= {GOAL_CITE_RATIO:.0f}x bib parse"),
        ("re-extract one edited article", "reextract", f1["seconds"], ""),
        ("check after that one edit", "check", floor, ""),
    ]
    for label, op, base, goal in steps:
        rows.append((label, measure(op, root, cache), base, goal, ""))
    shutil.rmtree(cache, ignore_errors=True)
    rows.append(("status, cold (empty cache)", measure("status", root, cache), fy["seconds"],
                 "", ""))
    shutil.rmtree(cache, ignore_errors=True)
    rows.append(("DataFrames, cold (empty cache)", measure("dataframes", root, cache),
                 fy["seconds"], "", ""))
    return rows


def verdict(label: str, r: dict, base: float | None, goal: str) -> str:
    if r["note"].startswith("skipped"):
        return "skipped"
    ok = r["peak_mb"] < GOAL_MEMORY_MB
    if goal.startswith("<= ") and goal.endswith("x floor") and base:
        ok &= r["seconds"] <= GOAL_RATIO_CHECK * base
    elif goal.endswith("x bib parse") and base:
        ok &= r["seconds"] <= GOAL_CITE_RATIO * base
    elif goal.startswith("< ") and goal.endswith(" s"):
        ok &= r["seconds"] < float(goal[2:-2])
    return "ok" if ok else "MISSED"


def table(rows: list[tuple]) -> str:
    head = f"| {'operation':<46} | {'time s':>7} | {'floor s':>7} | {'x floor':>7} | " \
           f"{'peak MB':>7} | {'goal':<18} | {'result':<7} | note"
    lines = [head, "|" + "|".join("-" * n for n in (48, 9, 9, 9, 9, 20, 9, 6)) + "|"]
    for label, r, base, goal, note in rows:
        if r["note"].startswith("skipped"):
            lines.append(f"| {label:<46} | {'-':>7} | {'':>7} | {'':>7} | {'':>7} | "
                         f"{goal:<18} | {'skipped':<7} | {r['note'][9:]}")
            continue
        ratio = f"{r['seconds'] / base:7.2f}" if base else " " * 7
        floor = f"{base:7.2f}" if base else " " * 7
        lines.append(f"| {label:<46} | {r['seconds']:7.2f} | {floor} | {ratio} | "
                     f"{r['peak_mb']:7.0f} | {goal:<18} | {verdict(label, r, base, goal):<7} | "
                     f"{note or r['note']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="quick smoke run (40 reviews)")
    parser.add_argument("--worker", choices=sorted(OPS), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.root)
        return 0
    from generate import FULL, SMALL, generate
    size = SMALL if args.small else FULL
    with tempfile.TemporaryDirectory(prefix="reviewtools-bench-") as tmp:
        root = Path(tmp) / "repo"
        start = time.perf_counter()
        generate(root, size)
        print(f"synthetic repository: {size.reviews} reviews, {size.claims} claims, "
              f"{size.links} links, {size.studies} studies, {size.bib_entries} bib entries "
              f"(generated in {time.perf_counter() - start:.1f} s)")
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
        print(table(run(root)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
