"""Risk-of-bias assessments on disk: ``evidence/rob/<key>.yaml``, one file per study.

Each file holds the study's assessments with the tool made for its design (RoB 2,
ROBINS-I, AMSTAR 2; see :mod:`reviewtools.appraisal.rob`), each derived from the
reviewer's answers; nothing here types an overall rating. :func:`grading_level` puts
the tools' overall ratings on the three levels GRADE's risk-of-bias domain weighs.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from reviewtools.appraisal.rob import RobAssessment
from reviewtools.errors import InputError
from reviewtools.model.records import Record
from reviewtools.settings import Settings
from reviewtools.store.cache import load_many
from reviewtools.store.files import check_key, load_record, save_record

# the tools' overall ratings on GRADE's three levels (low / some concerns / high)
LEVEL = {
    "rob2": {"low": "low", "some concerns": "some concerns", "high": "high"},
    "robins-i": {"low": "low", "moderate": "some concerns", "serious": "high",
                 "critical": "high", "no information": "some concerns"},
    "amstar2": {"high": "low", "moderate": "some concerns", "low": "high",
                "critically low": "high"},
}


class RobFile(Record):
    """``evidence/rob/<key>.yaml``: the risk-of-bias assessments of one study."""

    schema_version: int = 1
    study: str
    revision: int = Field(default=1, ge=1)
    assessments: list[RobAssessment] = []


def rob_path(settings: Settings, key: str) -> Path:
    return settings.evidence_dir / "rob" / f"{check_key(key)}.yaml"


def save_assessment(settings: Settings, assessment: RobAssessment) -> RobFile:
    """Add or replace (same tool, outcome and result) one assessment of a study."""
    if assessment.overall is None:
        raise InputError(f"{assessment.study}: the {assessment.tool} overall rating needs the "
                         "reviewer's decision first (the tool's rules leave it open)")
    path = rob_path(settings, assessment.study)
    old = load_record(path, RobFile) if path.is_file() else RobFile(study=assessment.study)
    same = (assessment.tool, assessment.outcome, assessment.result)
    kept = [a for a in old.assessments if (a.tool, a.outcome, a.result) != same]
    new = old.model_copy(update={"assessments": [*kept, assessment]})
    if new.model_dump() == old.model_dump() and path.is_file():
        return old
    return save_record(path, new, create=not path.is_file())


def load_assessments(settings: Settings) -> dict[str, RobFile]:
    paths = sorted((settings.evidence_dir / "rob").glob("*.yaml"))
    return {f.study: f for f in load_many(paths, RobFile, settings)}


def grading_level(assessment: RobAssessment) -> str:
    """The assessment's overall rating as low / some concerns / high."""
    return LEVEL[assessment.tool][assessment.overall]
