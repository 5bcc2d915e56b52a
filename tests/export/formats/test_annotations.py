"""annotations.jsonld against the W3C Web Annotation Data Model, re-anchored on the snapshot."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from . import export, judge, poison

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Motivations defined by the Web Annotation Vocabulary (section 3.3.5 of the Data Model).
MOTIVATIONS = ["assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
               "highlighting", "identifying", "linking", "moderating", "questioning",
               "replying", "tagging"]
IRI = r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"
DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"

# The MUSTs of https://www.w3.org/TR/annotation-model/ for what this exporter emits.
SCHEMA = {
    "$defs": {
        "iri": {"type": "string", "pattern": IRI},
        "textualBody": {"type": "object", "required": ["type", "value"], "properties": {
            "type": {"const": "TextualBody"}, "value": {"type": "string", "minLength": 1},
            "purpose": {"enum": MOTIVATIONS}, "format": {"type": "string"},
            "language": {"type": "string"}}},
        "specificResource": {"type": "object", "required": ["type", "source"], "properties": {
            "type": {"const": "SpecificResource"}, "source": {"$ref": "#/$defs/iri"},
            "purpose": {"enum": MOTIVATIONS}}},
        "quote": {"type": "object", "required": ["type", "exact"], "properties": {
            "type": {"const": "TextQuoteSelector"}, "exact": {"type": "string", "minLength": 1},
            "prefix": {"type": "string"}, "suffix": {"type": "string"}},
            "additionalProperties": False},
        "position": {"type": "object", "required": ["type", "start", "end"], "properties": {
            "type": {"const": "TextPositionSelector"},
            "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}},
            "additionalProperties": False},
        "annotation": {
            "type": "object",
            "required": ["@context", "id", "type", "target", "body", "motivation"],
            "properties": {
                "@context": {"const": CONTEXT},
                "id": {"$ref": "#/$defs/iri"},
                "type": {"const": "Annotation"},
                "motivation": {"enum": MOTIVATIONS},
                "created": {"type": "string", "pattern": DATETIME},
                "creator": {"type": "object", "required": ["type"], "properties": {
                    "type": {"enum": ["Person", "Organization", "Software"]}}},
                "generator": {"type": "object", "required": ["type"]},
                "body": {"type": "array", "minItems": 1, "items": {"oneOf": [
                    {"$ref": "#/$defs/textualBody"}, {"$ref": "#/$defs/specificResource"}]}},
                "target": {"type": "object", "required": ["source", "selector"], "properties": {
                    "source": {"$ref": "#/$defs/iri"},
                    "selector": {"type": "array", "minItems": 1, "items": {"oneOf": [
                        {"$ref": "#/$defs/quote"}, {"$ref": "#/$defs/position"}]}},
                    "state": {"type": "object", "required": ["type", "sourceDate"],
                              "properties": {"type": {"const": "TimeState"},
                                             "sourceDate": {"pattern": DATETIME}}}}},
                "canonical": {"$ref": "#/$defs/iri"},
            },
        },
    },
    "type": "object",
    "required": ["@context", "id", "type", "total", "first"],
    "properties": {
        "@context": {"const": CONTEXT},
        "id": {"$ref": "#/$defs/iri"},
        "type": {"const": "AnnotationCollection"},
        "label": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "first": {"type": "object", "required": ["type", "items"], "properties": {
            "type": {"const": "AnnotationPage"}, "startIndex": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": {"$ref": "#/$defs/annotation"}}}},
    },
}


def _load(review, tmp_path, **kw):
    return json.loads(export(review, tmp_path, ["annotations"], **kw)["annotations.jsonld"]
                      .read_text(encoding="utf-8"))


def test_validates_against_the_data_model(review, settings, tmp_path):
    judge(review, settings)
    doc = _load(review, tmp_path)
    jsonschema.validate(doc, SCHEMA)
    items = doc["first"]["items"]
    assert doc["total"] == len(items) == 4  # the four claims with a verdict
    ids = [a["id"] for a in items]
    assert len(set(ids)) == len(ids)
    assert {a["motivation"] for a in items} == {"assessing"}
    assert all(a["body"][0]["purpose"] == "assessing" and a["body"][0]["value"].startswith(
        "Verdict: ") for a in items)
    tags = {b["value"] for a in items for b in a["body"] if b.get("purpose") == "tagging"}
    assert {"verdict: uncertain", "verdict: not testable", "certainty: low"} <= tags
    links = {b["source"] for a in items for b in a["body"] if b.get("purpose") == "linking"}
    assert links == {"https://doi.org/10.0000/synthetic.a", "https://pubmed.ncbi.nlm.nih.gov/1/",
                     "https://doi.org/10.0000/synthetic.c"}


def test_the_schema_catches_what_the_model_requires():
    good = {"@context": CONTEXT, "id": "urn:x:1", "type": "AnnotationCollection", "total": 1,
            "first": {"type": "AnnotationPage", "items": [{
                "@context": CONTEXT, "id": "urn:x:2", "type": "Annotation",
                "motivation": "assessing", "body": [{"type": "TextualBody", "value": "v"}],
                "target": {"source": "urn:x:3", "selector": [
                    {"type": "TextPositionSelector", "start": 0, "end": 1}]}}]}}
    jsonschema.validate(good, SCHEMA)
    for breaking in ({"id": "not an iri"}, {"type": "Note"}, {"motivation": "liking"},
                     {"target": {"source": "urn:x", "selector": [
                         {"type": "TextQuoteSelector"}]}}):
        bad = json.loads(json.dumps(good))
        bad["first"]["items"][0].update(breaking)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


def test_every_annotation_reanchors_on_the_snapshot(review, settings, tmp_path):
    judge(review, settings)
    poison(review, settings)  # the poisoned text fails check: a draft export
    snapshot = review.snapshot
    doc = _load(review, tmp_path)
    assert doc["first"]["items"]
    for ann in doc["first"]["items"]:
        quote = next(s for s in ann["target"]["selector"] if s["type"] == "TextQuoteSelector")
        pos = next(s for s in ann["target"]["selector"] if s["type"] == "TextPositionSelector")
        assert snapshot[pos["start"]:pos["end"]] == quote["exact"]
        # the quote selector alone finds the same place: prefix + exact + suffix is unique
        whole = quote["prefix"] + quote["exact"] + quote["suffix"]
        assert snapshot.count(whole) == 1
        assert snapshot.index(whole) + len(quote["prefix"]) == pos["start"]


def test_target_source_and_state(review, settings, tmp_path):
    judge(review, settings)
    doc = _load(review, tmp_path, base_url="https://example.org/reviews/foot-massage/")
    ann = doc["first"]["items"][0]
    assert re.match(r"^ni:///sha-256;[A-Za-z0-9_-]{43}$", ann["target"]["source"])
    assert ann["target"]["state"]["sourceDate"] == review.meta.retrieved
    assert ann["canonical"].startswith(
        "https://example.org/reviews/foot-massage/summary.html#claim-")
    snapshot = ann["target"]["source"]
    assert ann["target"]["state"]["cached"] == snapshot


def test_a_recorded_url_is_the_target_and_the_snapshot_its_cached_copy(review, settings,
                                                                        tmp_path):
    from reviewtools.review import set_url
    judge(review, settings)
    set_url(review, "https://blog.invalid/foot-post")
    ann = _load(review, tmp_path)["first"]["items"][0]
    assert ann["target"]["source"] == "https://blog.invalid/foot-post"  # Hypothesis finds it
    assert re.match(r"^ni:///sha-256;[A-Za-z0-9_-]{43}$", ann["target"]["state"]["cached"])


def test_deterministic(review, settings, tmp_path):
    judge(review, settings)
    a = export(review, tmp_path, ["annotations", "claimreview"], name="a")
    b = export(review, tmp_path, ["annotations", "claimreview"], name="b")
    for name in ("annotations.jsonld", "claimreview.jsonld"):
        assert a[name].read_bytes() == b[name].read_bytes()
