"""A small record with joint openings (postal precedence "postal"), built from ballot_crypto alone (tests only).

Five eligible members, one referendum question (options yes / no / abstain), revoting allowed. Members 0 to 3
vote online (member 1 twice); members 0, 1 and 4 send a Wahlschein. Members 0 and 1 voted online, so their sealed
references are opened: their counted entries are excluded. Member 4's reference is opened too (a reference whose
credential has no entry: nothing is excluded). Trustees 1 and 3 of three (threshold 2) open and decrypt.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import nacl.signing

from ballot_crypto import canonical, record, trustee
from ballot_crypto.ballots import Election, encrypt_ballot, sign_ballot
from ballot_crypto.board import BulletinBoard
from ballot_crypto.elgamal import encrypt
from ballot_crypto.evaluation import evaluation_json, load_statute, statute_json
from ballot_crypto.group import Point, deterministic_rng
from ballot_crypto.manifest import Manifest
from ballot_crypto.openings import (
    combine_openings,
    excluded_positions,
    opening_shares,
    openings_json,
    parse_ciphertexts,
    request_json,
)
from ballot_crypto.postal import combined_result, postal_json
from ballot_crypto.sample import sample_manifest
from ballot_crypto.tally import aggregate, combine, trustee_shares

STATUTE = '[referendum.ballot]\nchannels = ["online", "postal"]\npostal_precedence = "postal"\n'
YES, NO, ABSTAIN = [[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]
CASTS = [(0, YES), (1, NO), (2, YES), (1, YES), (3, NO)]
"""Board order of (member, choices): member 1 revotes yes."""
POSTAL = [0, 1, 4]
PAPERS = [NO, NO, ABSTAIN]


def _paper(manifest: Manifest, choices: list[list[int]]) -> list[dict[str, Any]]:
    return [{"question": q.id, "mark": "valid", "votes": {o.id: v for o, v in zip(q.options, c, strict=True)}}
            for q, c in zip(manifest.questions, choices, strict=True)]


def build(folder: Path) -> tuple[Path, dict[str, Any]]:
    """Write the record to ``folder / "record"``; returns (path, facts) with the excluded positions and result."""
    rng = deterministic_rng(b"tests/audits/openings")
    (folder / "statute.toml").write_text(STATUTE)
    statute = load_statute(folder / "statute.toml")
    manifest = sample_manifest("referendum", 1, rng, revoting=True)
    manifest = Manifest.from_json(dataclasses.replace(manifest, statute_sha256=statute.sha256).to_json())
    trustees, shares, public_key = trustee.ceremony(manifest.hash(), 2, 3, rng=rng)
    keys = [nacl.signing.SigningKey(rng(32)) for _ in range(5)]
    public = [bytes(k.verify_key).hex() for k in keys]
    board_key = nacl.signing.SigningKey(rng(32))
    election_json = record.election_json(manifest.to_json(), trustees, public, public_key.hex(),
                                         bytes(board_key.verify_key).hex())
    fingerprint = canonical.hash_json(election_json)
    election = Election(manifest, public_key, fingerprint)
    board = BulletinBoard(fingerprint, public, revoting=True)
    for member, choices in CASTS:
        ballot, _ = encrypt_ballot(election, bytes(keys[member].verify_key), choices, rng=rng)
        board.append(sign_ballot(ballot, keys[member]))
    entries = [e.to_json() for e in board.entries]
    ordered = sorted(public)
    sealed = [encrypt(public_key, ordered.index(public[m]), rng=rng)[0].to_json() for m in POSTAL]
    request = request_json(fingerprint, sealed)
    vks = {t["index"]: Point.from_hex(t["verification_key"]) for t in trustees["trustees"]}
    ciphertexts = parse_ciphertexts(request["ciphertexts"])
    answers = [opening_shares(fingerprint, shares[j], j, ciphertexts, rng=rng) for j in (1, 3)]
    indices = combine_openings(fingerprint, ciphertexts, answers, vks, 2, len(public))
    counted = {e["ballot"]["credential"]: e["position"] for e in entries if e["superseded_by"] is None}
    excluded = excluded_positions(indices, public, counted)
    openings = openings_json(request["ciphertexts"], answers, indices, excluded)
    kept = [e["ballot"] for e in entries if e["superseded_by"] is None and e["position"] not in excluded]
    aggregates = aggregate(manifest, kept)
    decryption = [trustee_shares(fingerprint, shares[j], j, aggregates, rng=rng) for j in (1, 3)]
    online = combine(manifest, fingerprint, aggregates, decryption, vks, 2)
    postal = postal_json(manifest, "postal", offered=True, voters=len(POSTAL),
                         papers=[_paper(manifest, p) for p in PAPERS])
    result = combined_result(online, postal)
    content = record.RecordContent(
        election=election_json, manifest=manifest.to_json(), statute=statute_json(statute), trustees=trustees,
        credentials=public, entries=entries, board=board.close(board_key), aggregates=aggregates.to_json(),
        decryption={"trustees": decryption}, result=result,
        evaluation=evaluation_json(manifest, statute.rules, len(public), len(entries) + len(PAPERS), result),
        postal=postal, openings=openings)
    path = folder / "record"
    record.write_record(path, content)
    return path, {"excluded": excluded, "result": result, "request": request, "public": public}

