"""Shorthand for building answers in the risk-of-bias tests."""

from __future__ import annotations

from reviewtools.model.evidence import Answer, Decision


def answers(**codes: str) -> dict[str, Answer]:
    """answers(q1_1="Y") -> {"1.1": Answer("Y", ...)}: question ids written with underscores."""
    return {k[1:].replace("_", "."): Answer(code=v, reason=f"test answer {v}")
            for k, v in codes.items()}


def items(codes: str) -> dict[str, Answer]:
    """AMSTAR 2 answers from a space-separated row of 16 codes, item 1 first."""
    row = codes.split()
    assert len(row) == 16, row
    return {str(i): Answer(code=c, reason=f"item {i}: {c}") for i, c in enumerate(row, 1)}


def decision(rating: str, reason: str = "reviewers discussed and agreed") -> Decision:
    return Decision(rating=rating, reason=reason, by="AB")
