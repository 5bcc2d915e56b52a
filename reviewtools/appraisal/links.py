"""Links: a study tied to a claim, with its stance, the outcome it measured and the quote.

A link is a record on the claim; :func:`link` takes the claim and returns the
updated claim, and the :class:`reviewtools.review.Review` facade saves it.
"""

from __future__ import annotations

from collections.abc import Container

from reviewtools.errors import ConflictError, NotFoundError
from reviewtools.model.records import Claim, Link, now

SAME_LINK_FIELDS = ("stance", "outcome", "directness", "quote", "note")


def link(claim: Claim, key: str, *, bib_keys: Container[str], stance: str, outcome: str,
         quote: str, by: str, directness: str = "indirect", note: str = "",
         replace: bool = False) -> Claim:
    """``claim`` with study ``key`` linked; the same claim object if nothing changed.

    ``bib_keys`` are the keys of references.bib (a link to an unknown key is refused).
    Changing another reviewer's link needs ``replace=True`` and is written to the history.
    """
    if key not in bib_keys:
        raise NotFoundError(f"'{key}' is not in references.bib",
                            hint="add it with `reviewtools cite ID` first")
    new = Link(key=key, stance=stance, outcome=outcome, directness=directness, quote=quote,
               note=note, by=by, at=now())
    links = list(claim.links)
    status = "in review" if claim.status == "to-do" else claim.status
    for i, old in enumerate(links):
        if old.key != key or old.outcome != outcome:
            continue
        if all(getattr(old, f) == getattr(new, f) for f in SAME_LINK_FIELDS):
            return claim  # idempotent
        if old.by != by and not replace:
            raise ConflictError(f"{claim.id}: {old.by} already linked {key} for '{outcome}' as "
                                f"'{old.stance}'; pass replace=True to change their judgement")
        links[i] = new
        detail = f"{key}: {old.stance} -> {stance}" + (f" (was {old.by}'s)" if old.by != by
                                                       else "")
        return claim.logged(by, "link changed", detail, links=links, status=status)
    links.append(new)
    return claim.logged(by, "linked", f"{key} ({stance})", links=links, status=status)
