"""reviewtools: review the claims of an uncited article against the published evidence.

>>> import reviewtools as rt
>>> review = rt.open_review("foot-massage")          # doctest: +SKIP
>>> review.claims()                                   # doctest: +SKIP
"""

__version__ = "0.1.0"

from . import widgets  # noqa: E402
from .appraisal import appraise, load_studies, load_study  # noqa: E402
from .errors import *  # noqa: E402,F403
from .grading import display, weighted_kappa  # noqa: E402
from .review import Review, extract_review, list_reviews, open_review  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = ["Review", "Settings", "appraise", "widgets", "display", "extract_review", "list_reviews",
           "load_studies", "load_study", "open_review", "weighted_kappa", "__version__"]
