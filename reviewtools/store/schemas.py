"""Publish the JSON Schema of every evidence file kind (``reviewtools/model/schemas/*.json``)."""

from __future__ import annotations

import json
from pathlib import Path

from reviewtools.model.assessments import Assessment
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import MODELS, Record
from reviewtools.store.files import atomic_write_text

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "model" / "schemas"
# every evidence file kind, by the name of its schema file
KINDS: dict[str, type[Record]] = {**MODELS, "protocol": Protocol, "assessment": Assessment}


def schema_for(name: str) -> dict:
    schema = KINDS[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://reviewtools.invalid/schemas/{name}.schema.json"
    return schema


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Write one ``<kind>.schema.json`` per evidence file kind; returns the paths."""
    paths = []
    for name in KINDS:
        path = Path(folder) / f"{name}.schema.json"
        atomic_write_text(path, json.dumps(schema_for(name), indent=2, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths
