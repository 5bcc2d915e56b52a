"""Evidence files: validation messages, atomic writes, stale-write refusal."""

from __future__ import annotations

import json

import pytest

from reviewtools.errors import ConflictError, SchemaError
from reviewtools.model.records import SCHEMA_VERSION, Claim
from reviewtools.store.files import atomic_write_text, dump_record, load_record, save_record
from reviewtools.store.schemas import write_schemas


def _claim_file(review, claim_id="sleep-04"):
    return review.claim_path(claim_id)


def test_round_trip_keeps_key_order(review):
    path = _claim_file(review)
    claim = load_record(path, Claim)
    text = dump_record(claim)
    assert text == path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"schema_version: {SCHEMA_VERSION}"


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t.replace("status: to-do", "status: finished"), "field 'status'"),
    (lambda t: t + "colour: blue\n", "unknown field 'colour'"),
    (lambda t: t.replace("  start: ", "  start: many", 1), "field 'anchor.start'"),
    (lambda t: t.replace("revision: 1", "revision: [1"), "not valid YAML at line"),
    (lambda t: "- just\n- a list\n", "expected a mapping"),
])
def test_schema_errors_name_file_field_and_value(review, edit, expected):
    path = _claim_file(review)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        load_record(path, Claim)
    message = str(err.value)
    assert str(path) in message and expected in message


def test_allowed_values_are_listed(review):
    path = _claim_file(review)
    path.write_text(path.read_text().replace("status: to-do", "status: done"))
    with pytest.raises(SchemaError, match="allowed: 'to-do', 'in review'"):
        load_record(path, Claim)


def test_stale_write_is_refused_and_file_kept(review):
    path = _claim_file(review)
    first = load_record(path, Claim)
    second = load_record(path, Claim)
    save_record(path, first.model_copy(update={"status": "in review"}))
    before = path.read_bytes()
    with pytest.raises(ConflictError, match="changed on disk"):
        save_record(path, second.model_copy(update={"status": "reviewed"}))
    assert path.read_bytes() == before
    assert load_record(path, Claim).revision == 2


def test_create_refuses_existing(review):
    path = _claim_file(review)
    with pytest.raises(ConflictError, match="already exists"):
        save_record(path, load_record(path, Claim), create=True)


def test_atomic_write_leaves_no_temp_on_error(tmp_path, monkeypatch):
    target = tmp_path / "f.yaml"
    target.write_text("old\n")

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_published_json_schemas_match_models(tmp_path):
    from reviewtools.model.records import MODELS
    write_schemas(tmp_path)
    for name, model in MODELS.items():
        schema = json.loads((tmp_path / f"{name}.schema.json").read_text())
        assert schema["title"] == model.__name__
        assert set(schema["properties"]) == set(model.model_fields)


def test_committed_schemas_are_current(tmp_path):
    from reviewtools.store.schemas import SCHEMA_DIR
    write_schemas(tmp_path)
    for path in tmp_path.iterdir():
        assert (SCHEMA_DIR / path.name).read_text() == path.read_text(), (
            f"{path.name} is stale: run python -c 'from reviewtools.store.schemas import "
            "write_schemas; write_schemas()'")
