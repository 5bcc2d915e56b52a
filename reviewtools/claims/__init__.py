"""Stage 2, claims: sentences, claim detection and flags, anchors, re-anchoring after an
edit of the article, and the reviewer's edits of the claim list (add, split, merge, drop).

May import the base and :mod:`reviewtools.article`.
"""
