"""Stage 4, appraisal: the study records (design, population, risk of bias, effects) and
the links that tie a study to a claim with a stance and a quote.

May import the base and the stages before it (article, claims, literature).
"""

from reviewtools.appraisal.links import link
from reviewtools.appraisal.studies import appraise
from reviewtools.store.folders import load_studies, load_study, study_path

__all__ = ["appraise", "link", "load_studies", "load_study", "study_path"]
