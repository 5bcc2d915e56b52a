"""Configuration: arguments first, then environment variables, then defaults.

>>> s = Settings.from_env(root=".")
>>> s.pubmed_url
'https://eutils.ncbi.nlm.nih.gov/entrez/eutils'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_PUBMED_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_EMAIL = "reviewtools@users.noreply.github.com"
DEFAULT_TOOL = "reviewtools"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 0.5  # seconds, doubled per retry
DEFAULT_REVIEWER = "anonymous"

_TRUE = {"1", "true", "yes", "on"}


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Typed settings for one run. Every field is used somewhere; none is decorative."""

    root: Path = Path(".")
    cache_dir: Path | None = None
    offline: bool = False
    email: str = DEFAULT_EMAIL
    tool: str = DEFAULT_TOOL
    ncbi_api_key: str | None = field(default=None, repr=False)
    pubmed_url: str = DEFAULT_PUBMED_URL
    europepmc_url: str = DEFAULT_EUROPEPMC_URL
    crossref_url: str = DEFAULT_CROSSREF_URL
    openalex_url: str = DEFAULT_OPENALEX_URL
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    reviewer: str = DEFAULT_REVIEWER

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from ``REVIEWTOOLS_*`` / ``NCBI_*`` variables, then apply overrides."""
        root = Path(str(overrides.pop("root", None) or _env("REVIEWTOOLS_ROOT", ".")))
        cache = _env("REVIEWTOOLS_CACHE_DIR")
        base = cls(
            root=root,
            cache_dir=Path(cache) if cache else None,
            offline=(_env("REVIEWTOOLS_OFFLINE", "0") or "0").lower() in _TRUE,
            email=_env("REVIEWTOOLS_EMAIL", _env("NCBI_EMAIL", DEFAULT_EMAIL)) or DEFAULT_EMAIL,
            tool=_env("NCBI_TOOL", DEFAULT_TOOL) or DEFAULT_TOOL,
            ncbi_api_key=_env("NCBI_API_KEY"),
            pubmed_url=_env("REVIEWTOOLS_PUBMED_URL", DEFAULT_PUBMED_URL).rstrip("/"),
            europepmc_url=_env("REVIEWTOOLS_EUROPEPMC_URL", DEFAULT_EUROPEPMC_URL).rstrip("/"),
            crossref_url=_env("REVIEWTOOLS_CROSSREF_URL", DEFAULT_CROSSREF_URL).rstrip("/"),
            openalex_url=_env("REVIEWTOOLS_OPENALEX_URL", DEFAULT_OPENALEX_URL).rstrip("/"),
            reviewer=_env("REVIEWTOOLS_REVIEWER", _env("USER", DEFAULT_REVIEWER))
            or DEFAULT_REVIEWER,
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **clean)  # type: ignore[arg-type]

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    @property
    def bib_path(self) -> Path:
        return self.root / "references.bib"

    @property
    def studies_dir(self) -> Path:
        return self.evidence_dir / "studies"

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or (self.root / ".cache" / "reviewtools")
