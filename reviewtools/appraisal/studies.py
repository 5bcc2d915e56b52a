"""Study appraisals: design, population, intervention, risk of bias, effects, by whom.

Re-running the same appraisal is a no-op; changing another reviewer's appraisal
needs ``replace=True`` and is written to the study's history.
"""

from __future__ import annotations

from reviewtools.errors import ConflictError, InputError, NotFoundError
from reviewtools.literature import bib
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import Effect, HistoryEntry, RiskOfBiasRecord, Study, now
from reviewtools.settings import Settings
from reviewtools.store.files import load_record, save_record
from reviewtools.store.folders import study_path


def appraise(key: str, *, by: str, design: str, population: str, intervention: str,
             intervention_category: str, risk_of_bias: str, rob_reasons: str,
             settings: Settings | None = None, replace: bool = False,
             effects: list[dict] | None = None, protocol: Protocol | None = None,
             **fields: object) -> Study:
    """Create or update the appraisal of the study ``key`` (which must be in references.bib).

    ``intervention_category`` names what the study tested in the words of the review's
    ``protocol``: its intervention, one of its related interventions (or a synonym), or
    'other'; the protocol says how that relates to the question.
    """
    settings = settings or Settings.from_env()
    if protocol is not None and not protocol.is_named(intervention_category):
        raise InputError(f"{key}: intervention_category {intervention_category!r} is not in the "
                         f"protocol of review '{protocol.review}'; use one of "
                         + ", ".join(repr(n) for n in [*protocol.intervention_names(), "other"])
                         + " (or add it to the protocol's related interventions)")
    if key not in bib.entries(settings.bib_path):
        raise NotFoundError(f"'{key}' is not in {settings.bib_path}",
                            hint="add it with `reviewtools cite ID` first")
    study = Study(key=key, design=design, population=population, intervention=intervention,
                  intervention_category=intervention_category,
                  risk_of_bias=RiskOfBiasRecord(overall=risk_of_bias, reasons=rob_reasons),
                  effects=[Effect(**e) for e in effects or []], appraised_by=by,
                  appraised_at=now(), **fields)
    path = study_path(settings, key)
    if not path.exists():
        return save_record(path, study, create=True)
    old = load_record(path, Study)
    content = {"revision", "appraised_at", "appraised_by", "history"}
    if old.model_dump(exclude=content) == study.model_dump(exclude=content):
        return old
    if old.appraised_by != by and not replace:
        raise ConflictError(f"study '{key}' was appraised by {old.appraised_by}; pass "
                            "replace=True to change their appraisal", path=path)
    entry = HistoryEntry(at=now(), by=by, action="re-appraised",
                         detail=f"previous appraisal by {old.appraised_by}")
    update = study.model_copy(update={"revision": old.revision,
                                      "history": [*old.history, entry]})
    return save_record(path, update)
