"""A face: helpers and widgets for the review notebooks, over the Review facade.

May import everything, including :mod:`reviewtools.review`; no stage imports it.
"""

from reviewtools.notebook.helpers import (
    candidate_search,
    claims_of,
    find_root,
    my_assessments,
    open_here,
    open_shipped,
    profile_entries,
    profile_rating,
    protocol_outcomes,
    references,
    risk_of_bias,
    searches_made,
    section_claims,
    section_figure,
    section_keys,
)

__all__ = ["candidate_search", "claims_of", "find_root", "my_assessments", "open_here",
           "open_review", "open_shipped", "profile_entries", "profile_rating",
           "protocol_outcomes", "references", "risk_of_bias", "searches_made",
           "section_claims", "section_figure", "section_keys"]

open_review = open_here  # in a notebook, open a review of the repository it is in
