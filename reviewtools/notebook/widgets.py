"""An ipywidgets form to judge one claim, for reviewers who prefer clicking to typing.

>>> form = ClaimForm(review, "sleep-04", reviewer="ann")   # doctest: +SKIP
>>> form                                                   # doctest: +SKIP

Saving goes through the same API as code (``review.link``, ``review.grade``,
``review.verdict``), so the same rules apply: reasons are required, overrides
need a justification, another reviewer's judgement is never silently replaced.
"""

from __future__ import annotations

import ipywidgets as w

from reviewtools.errors import ReviewToolsError
from reviewtools.grading.rules import display
from reviewtools.model.records import CERTAINTY_ORDER, DOWNGRADE_DOMAINS, VERDICT_LABEL
from reviewtools.review import Review

STANCES = ["supports", "contradicts", "mixed", "no effect", "background"]


class ClaimForm(w.VBox):
    """Stance per linked study, certainty, downgrades, verdict, note, reviewer, and Save."""

    def __init__(self, review: Review, claim_id: str, *, reviewer: str | None = None) -> None:
        self.review = review
        self.claim_id = claim_id
        claim = review.claim(claim_id)
        mine = claim.assessments.get(reviewer or "", None)
        grade = (mine.grade if mine and mine.grade else claim.grade)
        verdict = (mine.verdict if mine and mine.verdict else claim.verdict)
        self.reviewer = w.Text(value=reviewer or review.settings.reviewer, description="Reviewer")
        self.stances = {lk.key + "|" + lk.outcome: w.Dropdown(
            options=STANCES, value=lk.stance, description=lk.key[:24],
            layout=w.Layout(width="420px")) for lk in claim.links}
        self.downgrades = {d: w.Dropdown(
            options=[0, 1, 2], value=getattr(grade.downgrades, d).levels if grade else 0,
            description=d.replace("_", " "), layout=w.Layout(width="260px"),
            style={"description_width": "130px"}) for d in DOWNGRADE_DOMAINS}
        self.reasons = {d: w.Text(value=getattr(grade.downgrades, d).reason if grade else "",
                                  placeholder="reason", layout=w.Layout(width="420px"))
                        for d in DOWNGRADE_DOMAINS}
        self.certainty = w.Dropdown(options=["(proposed)", *reversed(CERTAINTY_ORDER)],
                                    value="(proposed)", description="Certainty")
        self.verdict = w.Dropdown(options=list(VERDICT_LABEL), description="Verdict",
                                  value=verdict.value if verdict else "uncertain")
        self.note = w.Textarea(value=verdict.reason if verdict else "", description="Note",
                               placeholder="why (required); justifies a certainty override",
                               layout=w.Layout(width="640px"))
        self.save_button = w.Button(description="Save", button_style="primary", icon="check")
        self.message = w.HTML()
        self.save_button.on_click(lambda _b: self.save())
        rows = [w.HTML(f"<b>{claim.id}</b>: {_escape(claim.text)}<br><i>current: "
                       f"{display(claim.certainty)}, "
                       f"{VERDICT_LABEL[claim.verdict.value] if claim.verdict else claim.status}"
                       "</i>"), self.reviewer, *self.stances.values(),
                *[w.HBox([self.downgrades[d], self.reasons[d]]) for d in DOWNGRADE_DOMAINS],
                self.certainty, self.verdict, self.note, self.save_button, self.message]
        super().__init__(rows)
        self.add_class("reviewtools-claim-form")

    def save(self) -> bool:
        """Save through the library API; show the outcome (or the rule that refused it)."""
        by = self.reviewer.value.strip()
        try:
            if not by:
                raise ReviewToolsError("enter your name as reviewer")
            claim = self.review.claim(self.claim_id)
            for lk in claim.links:
                new = self.stances[lk.key + "|" + lk.outcome].value
                if new != lk.stance:
                    self.review.link(self.claim_id, lk.key, stance=new, outcome=lk.outcome,
                                     quote=lk.quote, directness=lk.directness, note=lk.note,
                                     by=by, replace=True)
            downgrades = {d: (self.downgrades[d].value, self.reasons[d].value)
                          for d in DOWNGRADE_DOMAINS}
            chosen = None if self.certainty.value == "(proposed)" else self.certainty.value
            if self.verdict.value != "not testable" or claim.links:
                self.review.grade(self.claim_id, by=by, downgrades=downgrades, certainty=chosen,
                                  justification=self.note.value if chosen else "")
            saved = self.review.verdict(self.claim_id, self.verdict.value, by=by,
                                        reason=self.note.value)
        except ReviewToolsError as exc:
            self.message.value = f"<span style='color:#b00'>Not saved: {_escape(str(exc))}</span>"
            return False
        self.message.value = (f"<span class='reviewtools-saved'>Saved revision {saved.revision}: "
                              f"{display(saved.certainty)}, status {saved.status}</span>")
        return True


def _escape(text: str) -> str:
    import html
    return html.escape(text, quote=True)
