"""Files on disk: validated loads, atomic and revision-checked saves, the parse cache,
and the review folder every stage reads through.

Part of the base: may import :mod:`reviewtools.model`, settings and errors only.
"""
