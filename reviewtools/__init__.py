"""reviewtools: review the claims of an uncited article against the published evidence.

>>> import reviewtools as rt
>>> review = rt.open_review("foot-massage")          # doctest: +SKIP
>>> review.claims()                                   # doctest: +SKIP
"""

__version__ = "0.1.0"

from .appraisal import appraise, load_studies, load_study  # noqa: E402
from .errors import *  # noqa: E402,F403
from .grading import display, weighted_kappa  # noqa: E402
from .review import Review, extract_review, list_reviews, open_review  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = ["Review", "Settings", "appraise", "display", "extract_review", "list_reviews",
           "load_studies", "load_study", "open_review", "weighted_kappa", "__version__"]


_LAZY = {"widgets", "notebook", "views", "grading", "checks", "bib", "appraisal", "wording",
         "export", "figures", "refs", "search", "identifiers", "sources", "works"}


def __getattr__(name: str):  # noqa: ANN202 - lazy sub-modules keep the CLI quick to start
    if name in _LAZY:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'reviewtools' has no attribute {name!r}")
