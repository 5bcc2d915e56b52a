"""A face: the ``reviewtools`` command line, one module per command family.

May import everything, including :mod:`reviewtools.review`, but only inside the command
that needs it, so ``reviewtools --help`` starts quickly.
"""
