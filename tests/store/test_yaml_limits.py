"""Hostile YAML in evidence files: alias bombs, duplicated keys, huge values in messages."""

from __future__ import annotations

import pytest

from reviewtools.cli.main import main
from reviewtools.errors import SchemaError
from reviewtools.model.records import Claim
from reviewtools.store.files import load_record, parse_yaml


def alias_bomb(levels: int = 8, width: int = 10) -> str:
    """``revision: &a8 [*a7, *a7, ...]``: 7 KB of text, width**levels values expanded."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_with_a_short_message(review):
    path = review.claim_path("pain-02")
    bomb = alias_bomb()
    text = path.read_text()
    body = bomb.replace("a8: &a8", "revision: &a8")
    text = text.replace(text[text.index("revision:"):text.index("section:")], "")
    path.write_text(body + text)
    assert len(path.read_text()) < 9_000  # expands to 10**8 values
    with pytest.raises(SchemaError, match="alias") as info:
        load_record(path, Claim)
    assert len(str(info.value)) < 300


def test_alias_bomb_in_check_is_one_problem(review, settings, capsys):
    path = review.claim_path("pain-02")
    path.write_text(alias_bomb() + path.read_text())
    assert main(["check", "--root", str(settings.root)]) == 1
    out = capsys.readouterr().out
    assert "[pain-02]" in out and "alias" in out and len(out) < 2_000


def test_modest_aliases_still_load():
    data = parse_yaml("base: &b {x: 1}\none: *b\ntwo: *b\n", "t.yaml")
    assert data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}


def test_asterisks_in_text_are_not_aliases():
    assert parse_yaml("text: 'a *bold* claim * 2'\n", "t.yaml") == {"text": "a *bold* claim * 2"}


def test_duplicated_key_is_refused_naming_the_key_and_line(review, settings, capsys):
    path = review.claim_path("pain-02")
    path.write_text(path.read_text() + "status: reviewed\n")
    with pytest.raises(SchemaError, match=r"duplicated key 'status'") as info:
        load_record(path, Claim)
    assert "line" in str(info.value)
    assert main(["check", "--root", str(settings.root)]) == 1
    assert "duplicated key 'status'" in capsys.readouterr().out


def test_duplicated_nested_key_is_refused():
    with pytest.raises(SchemaError, match="duplicated key 'start'"):
        parse_yaml("anchor:\n  start: 1\n  start: 2\n", "t.yaml")


def test_huge_wrong_value_is_not_repr_in_full(review):
    path = review.claim_path("pain-02")
    text = path.read_text()
    big = "[" + ", ".join(["[" + ", ".join(["x" * 50] * 50) + "]"] * 200) + "]"
    start = text.index("revision:")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"revision: {big}" + text[end:])
    with pytest.raises(SchemaError, match="field 'revision'") as info:
        load_record(path, Claim)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("text", ["? [1, 2]\n: x\n", "? {a: 1}\n: x\nb: 2\n"])
def test_complex_keys_are_a_schema_error_not_a_crash(text):
    with pytest.raises(SchemaError, match="unhashable"):
        parse_yaml(text, "t.yaml")


def test_merge_keys_are_not_duplicates():
    assert parse_yaml("<<: {a: 1}\nb: 2\n", "t.yaml") == {"a": 1, "b": 2}
