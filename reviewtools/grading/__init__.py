"""Stage 5, grading: GRADE rules, the reviewers' judgements on a claim (grade, verdict,
resolution), agreement between reviewers, tables of the results and ``reviewtools check``.

May import the base and the stages before it (article, claims, literature, appraisal).
"""

from reviewtools.grading.rules import (
    agreement,
    build_grade,
    certainty_from,
    claimed_certainty,
    display,
    is_overstated,
    propose_downgrades,
    propose_verdict,
    start_level,
    weighted_kappa,
)

__all__ = ["agreement", "build_grade", "certainty_from", "claimed_certainty", "display",
           "is_overstated", "propose_downgrades", "propose_verdict", "start_level",
           "weighted_kappa"]
