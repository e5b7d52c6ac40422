"""The manifest: question kinds as options with per-option maxima and [min, max] totals."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ballot_crypto import canonical
from ballot_crypto.manifest import Manifest, ManifestError
from ballot_crypto.sample import manifest_with, question_of_kind, sample_manifest

KINDS = ("referendum", "yes_no_abstain", "single", "approval", "cumulative")


def base() -> dict[str, Any]:
    return manifest_with(tuple(question_of_kind(k, f"q{i}") for i, k in enumerate(KINDS))).to_json()


def test_every_kind_validates_and_round_trips() -> None:
    obj = base()
    manifest = Manifest.from_json(obj)
    assert manifest.to_json() == obj
    assert manifest.hash() == canonical.hash_json(obj)
    assert [q.kind for q in manifest.questions] == list(KINDS)
    assert [(q.process, q.seats) for q in manifest.questions] == [
        ("referendum", None), ("referendum", None), ("election", 1), ("election", 3), ("election", 2)]
    with_subject = _set(obj, "questions.0.subject", "statute")
    assert Manifest.from_json(with_subject).questions[0].subject == "statute"
    assert Manifest.from_json(_set(obj, "questions.1.process", "survey")).questions[1].process == "survey"
    assert manifest.question("q3").max == 3
    blank_flags = {q.kind: q.has_blank_ciphertext for q in manifest.questions}
    assert blank_flags == {"referendum": False, "yes_no_abstain": False, "single": False, "approval": True,
                           "cumulative": True}


def test_sample_manifest_kinds() -> None:
    assert {q.kind for q in sample_manifest("election", 4).questions} == set(KINDS) - {"referendum"}
    with pytest.raises(ValueError, match="unknown kind"):
        sample_manifest("poll", 1)


def _set(obj: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    *parts, last = path.split(".")
    target: Any = obj
    for part in parts:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return obj


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "ballot-manifest/2", "format"),
        ("id", "not-a-uuid", "UUID"),
        ("title.en", "", "non-empty"),
        ("title", {"de": "x"}, "'de' and 'en'"),
        ("unit", {"id": "x"}, "missing keys"),
        ("dates.close", "2025-05-01T00:00:00+02:00", "announcement <= open < close"),
        ("dates.open", "2025-05-07T09:00:00", "followed by Z"),
        ("dates.open", "2025-05-07 09:00:00+02:00", "followed by Z"),
        ("dates.open", "2025-02-30T09:00:00Z", "followed by Z"),
        ("statute_sha256", "ab", "32 bytes"),
        ("revoting", 1, "true or false"),
        ("questions", [], "non-empty"),
        ("questions.0.kind", "ranking", "expected one of"),
        ("questions.0.options.0.id", "no", "unique"),
        ("questions.0.options.0.id", "Yes!", "identifier"),
        ("questions.0.max", 2, "referendum question has the options"),
        ("questions.2.max", 2, "single-choice"),
        ("questions.3.min", 4, "exceeds max"),
        ("questions.3.max", 11, "exceeds the sum of option maxima"),
        ("questions.3.options.0.max", 2, "approval question has options of max 1"),
        ("questions.4.options.0.max", 6, "cumulative option maximum exceeds"),
        ("questions.4.options.0.max", 0, "integer in"),
        ("questions.4.max", True, "integer in"),
        ("questions.1.id", "q0", "question ids must be unique"),
        ("questions.0.extra", 1, "unknown keys"),
        ("questions.0.process", "motion", "expected one of referendum, survey, election"),
        ("questions.0.process", "election", "a referendum question runs under referendum or survey"),
        ("questions.2.process", "survey", "a single question runs under election"),
        ("questions.0.subject", "Statute!", "identifier"),
        ("questions.2.subject", "statute", "must be null for an election"),
        ("questions.0.seats", 1, "must be null unless the process is election"),
        ("questions.2.seats", None, "an election has 1 to 4 seats"),
        ("questions.2.seats", 5, "integer in"),
        ("questions.2.process", KeyError, "missing keys"),
    ],
)
def test_invalid_manifests_are_rejected_with_a_clear_error(path: str, value: Any, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        Manifest.from_json(_set(base(), path, value))
