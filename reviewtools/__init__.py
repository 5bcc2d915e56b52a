"""reviewtools: review the claims of an uncited article against the published evidence.

>>> import reviewtools as rt
>>> review = rt.open_review("sauna")                  # doctest: +SKIP
>>> review.claims()                                   # doctest: +SKIP

The sub-packages are the pipeline, each importing only the ones before it:
model and store (the base), article, claims, literature, appraisal, grading, export;
:mod:`reviewtools.review` composes them, and notebook/ and cli/ are faces over it.
Everything below is imported on first use, so ``import reviewtools`` stays cheap.
"""

from __future__ import annotations

import importlib

from reviewtools.errors import *  # noqa: F403

__version__ = "0.1.0"

# public name -> "module:attribute" (attribute empty for a module)
_PUBLIC = {
    "Review": "reviewtools.review:Review",
    "open_review": "reviewtools.review:open_review",
    "extract_review": "reviewtools.review:extract_review",
    "new_review": "reviewtools.review:new_review",
    "list_reviews": "reviewtools.store.folders:list_reviews",
    "Settings": "reviewtools.settings:Settings",
    "appraise": "reviewtools.appraisal.studies:appraise",
    "load_study": "reviewtools.store.folders:load_study",
    "load_studies": "reviewtools.store.folders:load_studies",
    "display": "reviewtools.grading.rules:display",
    "weighted_kappa": "reviewtools.grading.rules:weighted_kappa",
    # modules, under the short names notebooks use
    "appraisal": "reviewtools.appraisal:",
    "grading": "reviewtools.grading:",
    "export": "reviewtools.export:",
    "notebook": "reviewtools.notebook:",
    "widgets": "reviewtools.notebook.widgets:",
    "views": "reviewtools.grading.tables:",
    "checks": "reviewtools.grading.checks:",
    "wording": "reviewtools.export.wording:",
    "figures": "reviewtools.export.figures:",
    "bib": "reviewtools.literature.bib:",
    "refs": "reviewtools.literature.refs:",
    "search": "reviewtools.literature.search:",
    "identifiers": "reviewtools.literature.identifiers:",
    "sources": "reviewtools.literature.sources:",
    "works": "reviewtools.literature.works:",
}

__all__ = ["__version__", *sorted(k for k, v in _PUBLIC.items() if not v.endswith(":"))]


def __getattr__(name: str) -> object:
    """Import a public name on first use (PEP 562)."""
    try:
        module, attr = _PUBLIC[name].split(":")
    except KeyError:
        raise AttributeError(f"module 'reviewtools' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    value = getattr(value, attr) if attr else value
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
