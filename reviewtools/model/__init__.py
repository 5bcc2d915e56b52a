"""Records: the pydantic models of every evidence file, and their published JSON Schemas.

The base of the package: imports nothing from reviewtools but :mod:`reviewtools.errors`.
"""
