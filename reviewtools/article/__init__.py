"""Stage 1, the article: import a .txt, .md, .html file or URL as a text snapshot with blocks.

May import the base (model, store, http, settings, errors).
"""
