"""What every command family shares: the common options, and their copy for nested actions.

A family module (main, literature, export, new) imports this; none imports another family.
"""

from __future__ import annotations

import argparse
import copy


def common_parent() -> argparse.ArgumentParser:
    """Options every sub-command takes; pass as ``parents=[common_parent()]``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=".", help="repository root holding evidence/ and "
                        "references.bib (default: current directory)")
    common.add_argument("--reviewer", help="your name, recorded with every judgement "
                        "(default: $REVIEWTOOLS_REVIEWER or $USER)")
    common.add_argument("--offline", action="store_true", help="never use the network; "
                        "serve from the cache or fail (also REVIEWTOOLS_OFFLINE=1)")
    common.add_argument("--wide", action="store_true", help="tables: show long cells whole "
                        "instead of cutting them with an ellipsis")
    return common


def nested_options(common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The common options for the actions of a command that takes them itself, with defaults
    that never override a value given before the action (``refs --root X verify`` and
    ``refs verify --root X`` agree; so do ``claim --root X SLUG split`` and
    ``claim SLUG split --root X``)."""
    leaf = argparse.ArgumentParser(add_help=False)
    for action in common._actions:
        if not isinstance(action, argparse._HelpAction):
            clone = copy.copy(action)
            clone.default = argparse.SUPPRESS
            leaf._add_action(clone)
    return leaf
