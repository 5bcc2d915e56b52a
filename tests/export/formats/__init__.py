"""Helpers for export tests: judge a few claims of the `review` fixture through the real API.

The bib entries and study records are the synthetic ones from tests/conftest.py
(clearly fake keys and DOIs); nothing here pretends to be a real study.
"""

from __future__ import annotations

from reviewtools.appraisal.studies import appraise

XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_LINK = "[link](javascript:window.__pwned=1)"
XSS = f"{XSS_SCRIPT} {XSS_IMG} {XSS_LINK}"


def appraise_all(settings) -> None:
    appraise("trial2020a", by="ann", design="RCT", population="adults with insomnia",
             intervention="foot massage 20 min nightly", intervention_category="foot massage",
             risk_of_bias="high", rob_reasons="unblinded, small", n=60, settings=settings)
    appraise("trial2021b", by="ann", design="RCT", population="older adults",
             intervention="foot reflexology", intervention_category="foot reflexology",
             risk_of_bias="some concerns", rob_reasons="allocation unclear", n=80,
             settings=settings)
    appraise("cohort2019c", by="ann", design="cohort", population="nurses",
             intervention="massage at work", intervention_category="whole-body massage",
             risk_of_bias="some concerns", rob_reasons="self-report", n=200, settings=settings)


def judge(review, settings) -> dict[str, str]:
    """Grade and give verdicts to four claims; returns {claim id: what was done}."""
    appraise_all(settings)
    review.link("sleep-01", "trial2020a", stance="supports", outcome="sleep quality",
                quote="Sleep quality improved after four weeks.", by="ann", directness="direct")
    review.link("sleep-01", "trial2021b", stance="no effect", outcome="sleep quality",
                quote="No difference in sleep quality.", by="ann")
    review.grade("sleep-01", by="ann")
    review.verdict("sleep-01", "uncertain", by="ann", reason="two small trials disagree")

    review.link("pain-01", "trial2021b", stance="supports", outcome="pain",
                quote="Pain scores fell more with reflexology.", by="ann", directness="direct")
    review.grade("pain-01", by="ann")
    review.verdict("pain-01", "partly supported", by="ann", reason="one trial, some concerns")

    review.link("stress-01", "cohort2019c", stance="supports", outcome="perceived stress",
                quote="Stress scores were lower.", by="ann")
    review.grade("stress-01", by="ann")
    review.verdict("stress-01", "uncertain", by="ann", reason="observational, indirect")

    review.verdict("mood-01", "not testable", by="ann", reason="no measurable outcome named")
    review.set_statement("pain-01", "Foot reflexology may reduce pain in older adults.",
                         by="ann")
    return {"sleep-01": "mixed", "pain-01": "statement", "stress-01": "very low",
            "mood-01": "not testable"}


def poison(review, settings, claim_id: str = "sleep-01") -> None:
    """Put script, onerror and javascript: payloads in a claim text, a quote, a bib title and
    the article title."""
    claim = review.claim(claim_id)
    review.save(claim.model_copy(update={"text": f"{claim.text} {XSS}"}))
    review.link(claim_id, "trial2020a", stance="supports", outcome="sleep onset",
                quote=f"Quote {XSS}", by="ann")
    from reviewtools.store.files import save_record
    meta = review.meta.model_copy(update={"title": f"Foot tips {XSS_SCRIPT} {XSS_LINK}"})
    save_record(review.path / "review.yaml", meta)
    review.__dict__.pop("meta", None)  # drop the cached copy
    bib = settings.bib_path.read_text(encoding="utf-8")
    bib = bib.replace("title = {Synthetic randomised trial A}",
                      "title = {Synthetic trial " + XSS.replace("\\", "") + "}")
    settings.bib_path.write_text(bib, encoding="utf-8")


def export(review, tmp_path, formats, name="out", **kw):
    """Export into tmp_path/name; returns {file name relative to the folder: path}."""
    from reviewtools.export.run import export_review
    out = tmp_path / name
    paths = export_review(review, formats, out, **kw)
    return {str(p.relative_to(out)): p for p in paths}
