"""The package is the pipeline: no import cycles, and each stage imports only those before it.

The import graph comes from grimp, which reads every import statement, including
imports inside functions and under ``TYPE_CHECKING``: a lazy import that dodges a
cycle at run time is still a cycle here.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import grimp
import pytest

# Pipeline order; a module may import its own layer and the layers before it.
LAYERS: list[tuple[str, ...]] = [
    ("reviewtools", "reviewtools.errors", "reviewtools.settings"),
    ("reviewtools.model",),
    ("reviewtools.store",),
    ("reviewtools.http",),
    ("reviewtools.article",),
    ("reviewtools.claims",),
    ("reviewtools.literature",),
    ("reviewtools.appraisal",),
    ("reviewtools.grading",),
    ("reviewtools.export",),
    ("reviewtools.review",),
    ("reviewtools.notebook", "reviewtools.cli", "reviewtools.__main__"),
]
STAGES = ("article", "claims", "literature", "appraisal", "grading", "export")


def build(package: str) -> grimp.ImportGraph:
    return grimp.build_graph(package, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself
    (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(
                        child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph.find_modules_directly_imported_by(
                            node):
                        found.append(sorted(component))
    return found


def layer_of(module: str) -> int:
    best, depth = -1, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > depth:
                best, depth = i, len(name)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best


def upward_imports(graph: grimp.ImportGraph) -> list[str]:
    out = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if layer_of(imported) > layer_of(module):
                out.append(f"{module} imports {imported}")
    return out


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build("reviewtools")


def test_reviewtools_has_no_import_cycle(graph):
    assert len(graph.modules) > 40
    assert cycles(graph) == []


def test_each_module_imports_only_earlier_stages(graph):
    assert upward_imports(graph) == []


def test_no_stage_imports_the_review_facade(graph):
    offenders = [m for m in graph.modules if m.split(".")[1:2] and m.split(".")[1] in STAGES
                 and "reviewtools.review" in graph.find_modules_directly_imported_by(m)]
    assert offenders == []


def test_every_subpackage_says_what_it_holds_and_may_import():
    root = Path(__file__).resolve().parent.parent / "reviewtools"
    for init in root.glob("*/__init__.py"):
        doc = init.read_text(encoding="utf-8").lstrip()
        assert doc.startswith('"""'), init
        assert "import" in doc.split('"""')[1], f"{init}: say what the stage may import"


# ---- the checks themselves can fail: a tiny package with deliberate faults ----------------

def _write_package(tmp_path: Path, name: str, files: dict[str, str]) -> None:
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for file, text in files.items():
        (pkg / file).write_text(textwrap.dedent(text))


@pytest.fixture
def on_path(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("cyclepkg")]:
        del sys.modules[name]


def test_a_cycle_hidden_in_a_function_is_found(on_path):
    _write_package(on_path, "cyclepkg", {
        "a.py": "from cyclepkg import b\n",
        "b.py": "def later():\n    from cyclepkg import c  # lazy, to dodge the cycle\n",
        "c.py": "import cyclepkg.a\n",
        "d.py": "import cyclepkg.a\n",
    })
    found = cycles(build("cyclepkg"))
    assert found == [["cyclepkg.a", "cyclepkg.b", "cyclepkg.c"]]


def test_a_package_without_cycles_passes(on_path):
    _write_package(on_path, "cyclepkg", {"a.py": "import cyclepkg.b\n", "b.py": "x = 1\n"})
    assert cycles(build("cyclepkg")) == []


def test_an_upward_import_is_reported(graph, monkeypatch):
    class Fake:
        modules = {"reviewtools.claims.x", "reviewtools.export.y"}

        def find_modules_directly_imported_by(self, module):
            return {"reviewtools.export.y"} if module == "reviewtools.claims.x" else set()

    assert upward_imports(Fake()) == ["reviewtools.claims.x imports reviewtools.export.y"]
