"""The one place HTTP sessions are built (first cut; extended by the literature layer)."""

from __future__ import annotations

import requests

from . import __version__
from .settings import Settings


def user_agent(settings: Settings) -> str:
    return f"reviewtools/{__version__} (+https://github.com/reviewtools; mailto:{settings.email})"


def make_session(settings: Settings, *, cache: bool = True) -> requests.Session:
    """Return a configured session. ``cache=False`` for one-off downloads such as articles."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent(settings)
    return session
