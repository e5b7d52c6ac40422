"""Cross-language tests of the booth's JavaScript cryptography (ballot/static/js/crypto, docs/booth-crypto.md).

The JavaScript runs in node through tests/js/driver.mjs (one JSON request on stdin, one answer on stdout) and,
bundled by the package.json build script, in Chromium under ``Content-Security-Policy: script-src 'self'``.
Python's ballot_crypto is the reference: ballots made in JavaScript verify in Python (byte-identical to Python's
for the same deterministic rng), ballots made in Python verify in JavaScript, and both reject the same tampered
inputs. The pure-JS unit tests (tests/js/*.test.mjs) run under ``node --test`` from here. The group skips with one
reason when node or the npm packages are missing.
"""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import nacl.bindings as sodium
import nacl.exceptions
import nacl.signing
import pytest

from ballot_crypto import canonical, record, sample, threshold
from ballot_crypto.ballots import Election, InvalidBallot, encrypt_ballot, sign_ballot, verify_ballot
from ballot_crypto.credentials import generate_credential, parse_credential, public_credential, signing_key
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import L, Point, Scalar, deterministic_rng
from ballot_crypto.manifest import Manifest
from ballot_crypto.spoil import check_spoiled

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DRIVER = HERE / "driver.mjs"
NODE = shutil.which("node")
PACKAGES = ("@noble/curves", "@noble/hashes", "@noble/ciphers", "esbuild")
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CSP = "script-src 'self'"
P = 2**255 - 19
TORSION = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]


def _missing() -> str | None:
    if NODE is None:
        return "JS crypto tests skipped: node is not installed"
    absent = [p for p in PACKAGES if not (ROOT / "node_modules" / p / "package.json").exists()]
    if absent:
        return f"JS crypto tests skipped: node_modules lacks {', '.join(absent)} (run npm ci)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def run(args: list[str], *, timeout: int, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """A command of the test itself (node, esbuild, ballot-audit) in the project root, output captured."""
    return subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False)  # noqa: S603


def node(request: dict[str, Any]) -> Any:
    """Run one driver request in node and return its JSON answer."""
    proc = run([str(NODE), str(DRIVER)], stdin=json.dumps(request), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# -- elections made by the Python reference ----------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    manifest: Manifest
    election_json: dict[str, Any]
    election: Election
    credentials: tuple[str, ...]

    def request(self, op: str, **kwargs: Any) -> dict[str, Any]:
        return {"op": op, "election": self.election_json, "manifest": self.manifest.to_json(), **kwargs}

    def credential_key(self, credential: str) -> bytes:
        return public_credential(credential, uuid.UUID(self.manifest.id).bytes)


def _setup(questions: tuple[Any, ...], seed: bytes) -> Setup:
    """A manifest, a real 2-of-3 key ceremony (ballot_crypto.threshold), three credentials, election.json."""
    rng = deterministic_rng(seed)
    manifest = sample.manifest_with(questions, rng)
    polys = [threshold.TrusteePolynomial.generate(i, 2, rng=rng) for i in (1, 2, 3)]
    commitments = [p.commitments() for p in polys]
    trustees = {
        "threshold": 2,
        "trustees": [
            {
                "index": p.index,
                "commitments": [c.hex() for c in commitments[p.index - 1]],
                "proofs": [proof.to_json() for proof in p.proofs(manifest.hash(), rng=rng)],
                "verification_key": threshold.verification_key(commitments, p.index).hex(),
            }
            for p in polys
        ],
    }
    key = threshold.joint_public_key(commitments)
    creds = tuple(generate_credential(rng=rng) for _ in range(3))
    salt = uuid.UUID(manifest.id).bytes
    board_key = nacl.signing.SigningKey(rng(32)).verify_key.encode().hex()
    election_json = record.election_json(
        manifest.to_json(), trustees, [public_credential(c, salt).hex() for c in creds], key.hex(), board_key
    )
    election = Election(manifest, key, canonical.hash_json(election_json))
    return Setup(manifest, election_json, election, creds)


@pytest.fixture(scope="module")
def referendum() -> Setup:
    return _setup((sample.yes_no_abstain("q1"),), b"js referendum")


@pytest.fixture(scope="module")
def board_election() -> Setup:
    """Ten candidates, up to three votes (approval), blank allowed: the blank flag is on the ballot."""
    return _setup((sample.approval("q1", 10, 3),), b"js election")


@pytest.fixture(scope="module")
def mixed() -> Setup:
    """Every question kind in one manifest (single, approval, yes/no/abstain, cumulative, referendum)."""
    questions = tuple(
        sample.question_of_kind(k, f"q{i + 1}") for i, k in enumerate((*sample.ELECTION_KINDS, "referendum"))
    )
    return _setup(questions, b"js mixed")


def _python_ballot(setup: Setup, credential: str, choices: list[list[int]], seed: bytes | None = None) -> dict:
    key = signing_key(credential, uuid.UUID(setup.manifest.id).bytes)
    rng = None if seed is None else deterministic_rng(seed)
    ballot, _ = encrypt_ballot(setup.election, bytes(key.verify_key), choices, rng=rng)
    return sign_ballot(ballot, key)


REFERENDUM_CHOICES = [[[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]], [[0, 0, 0]]]
ELECTION_CHOICES = [
    [[1, 1, 1, 0, 0, 0, 0, 0, 0, 0]],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    [[0] * 10],
    [[0, 1, 0, 0, 1, 0, 0, 0, 0, 0]],
]


# -- (0) the pure-JS unit tests ----------------------------------------------------------------------------


def test_node_unit_tests_pass() -> None:
    """tests/js/*.test.mjs under node's test runner: vectors, parsing, canonical JSON, credentials."""
    proc = run([str(NODE), "--test", "tests/js/"], timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout


# -- (b) ballots made in JavaScript verify in Python ---------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "all_choices"), [("referendum", REFERENDUM_CHOICES), ("board_election", ELECTION_CHOICES)]
)
def test_js_ballots_verify_in_python(request: pytest.FixtureRequest, which: str, all_choices: list) -> None:
    setup: Setup = request.getfixturevalue(which)
    credential = setup.credentials[0]
    for n, choices in enumerate(all_choices):
        seed = f"js ballot {n}".encode()
        made = node(setup.request("ballot", credential=credential.lower(), choices=choices, seed=seed.hex()))
        ballot = made["ballot"]
        assert ballot["credential"] == setup.credential_key(credential).hex()
        assert verify_ballot(setup.election, ballot) == made["tracker"] == canonical.hash_json_hex(ballot)
        # Same rng stream, same draw order: Python's ballot is byte-identical, signature included.
        assert canonical.dumps(_python_ballot(setup, credential, choices, seed)) == canonical.dumps(ballot)


def test_js_random_ballots_verify_in_python(mixed: Setup) -> None:
    """The booth's cast() with crypto.getRandomValues, for every question kind."""
    rnd = random.Random(7)
    for credential in mixed.credentials:
        choices = sample.random_choices(mixed.manifest, rnd)
        cast = node(mixed.request("cast", credential=credential, choices=choices))
        assert verify_ballot(mixed.election, cast["ballot"]) == cast["tracker"]
        assert cast["json"].encode() == canonical.dumps(cast["ballot"])


def test_js_refuses_invalid_choices(referendum: Setup) -> None:
    for choices in ([[1, 1, 0]], [[2, 0, 0]], [[1, 0]], [[1, 0, 0], [1, 0, 0]], [[True, 0, 0]]):
        with pytest.raises(AssertionError, match="InvalidBallot"):
            node(referendum.request("ballot", credential=referendum.credentials[0], choices=choices))


# -- (c) ballots made in Python verify in JavaScript ---------------------------------------------------------


def test_python_ballots_verify_in_js(mixed: Setup, board_election: Setup) -> None:
    for setup in (mixed, board_election):
        rnd = random.Random(11)
        ballots = [_python_ballot(setup, c, sample.random_choices(setup.manifest, rnd)) for c in setup.credentials]
        results = node(setup.request("verify_ballots", ballots=ballots))
        assert [r["value"] for r in results] == [canonical.hash_json_hex(b) for b in ballots]


# -- (d) tampered inputs: JavaScript rejects what Python rejects ------------------------------------------------


def _noncanonical_points() -> list[str]:
    """le(y + p) for y = 0..18 with and without the sign bit, and y = p - 1, 1 with the sign bit set."""
    out = []
    for y in range(19):
        raw = (P + y).to_bytes(32, "little")
        out += [raw.hex(), (raw[:31] + bytes([raw[31] | 0x80])).hex()]
    out += [(P - 1).to_bytes(32, "little")[:31].hex() + "ff", "01" + "00" * 30 + "80"]
    return out


def _point_corpus() -> list[str]:
    rng = deterministic_rng(b"point corpus")
    g = Point.G.to_bytes()
    valid = [(Point.G * Scalar.random(rng)).hex() for _ in range(8)]
    mixed = []
    for t in TORSION[1:]:
        mixed.append(sodium.crypto_core_ed25519_add(bytes.fromhex(valid[0]), bytes.fromhex(t)).hex())
        mixed.append(sodium.crypto_core_ed25519_add(g, bytes.fromhex(t)).hex())
    random_bytes = [rng(32).hex() for _ in range(48)]
    malformed = ["", "00", "58" * 31, "58" * 33, g.hex().upper(), " " + g.hex()[1:], "zz" * 32]
    return valid + TORSION + mixed + _noncanonical_points() + random_bytes + malformed + [g.hex()]


def _py_point(text: str, allow_identity: bool) -> dict[str, Any]:
    try:
        return {"ok": True, "value": Point.from_hex(text, allow_identity=allow_identity).hex()}
    except CryptoError:
        return {"ok": False}


def test_point_parsing_agrees_with_libsodium() -> None:
    corpus = _point_corpus()
    answers = node({"op": "parse_points", "points": corpus})
    accepted = 0
    for text, js in zip(corpus, answers, strict=True):
        for mode, allow in (("strict", False), ("identity", True)):
            py = _py_point(text, allow)
            assert js[mode]["ok"] == py["ok"], (text, mode, js[mode])
            if py["ok"]:
                accepted += 1
                assert js[mode]["value"] == py["value"] == text
    assert accepted >= 2 * 9 + 1  # the valid points (twice) and the identity where allowed


def test_scalar_parsing_agrees() -> None:
    values = [0, 1, L - 1, L, L + 1, 2**253, 2**255, 2**256 - 1]
    corpus = [v.to_bytes(32, "little").hex() for v in values] + ["00" * 31, "00" * 33, "AB" * 32, "0g" * 32]
    answers = node({"op": "parse_scalars", "scalars": corpus})
    for text, js in zip(corpus, answers, strict=True):
        try:
            py: dict[str, Any] = {"ok": True, "value": Scalar.from_hex(text).hex()}
        except CryptoError:
            py = {"ok": False}
        assert js["ok"] == py["ok"], text
        if py["ok"]:
            assert js["value"] == py["value"]


def _tampered(setup: Setup, ballot: dict[str, Any], other: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Named variants of a valid ballot, each of which must be rejected."""

    def variant(change: Any) -> dict[str, Any]:
        copy = json.loads(json.dumps(ballot))
        change(copy)
        return copy

    def answer(b: dict[str, Any]) -> dict[str, Any]:
        return b["answers"][0]

    def set_alpha(value: str) -> Any:
        return lambda b: answer(b)["choices"][0].update(alpha=value)

    def bump_scalar(hex_text: str) -> str:
        return (int.from_bytes(bytes.fromhex(hex_text), "little") + L).to_bytes(32, "little").hex()

    alpha = answer(ballot)["choices"][0]["alpha"]
    mixed_alpha = sodium.crypto_core_ed25519_add(bytes.fromhex(alpha), bytes.fromhex(TORSION[1])).hex()
    return {
        **{f"non-canonical point {i}": variant(set_alpha(text)) for i, text in enumerate(_noncanonical_points())},
        "alpha with the other sign": variant(set_alpha(alpha[:62] + format(int(alpha[62:], 16) ^ 0x80, "02x"))),
        "small-order point": variant(set_alpha(TORSION[3])),
        "mixed-order point": variant(set_alpha(mixed_alpha)),
        "identity in a ballot": variant(set_alpha(TORSION[0])),
        "uppercase hex": variant(set_alpha(alpha.upper())),
        "response + L": variant(
            lambda b: answer(b)["choice_proofs"][0]["responses"].__setitem__(
                0, bump_scalar(answer(b)["choice_proofs"][0]["responses"][0])
            )
        ),
        "challenge + L": variant(
            lambda b: answer(b)["total_proof"]["challenges"].__setitem__(
                0, bump_scalar(answer(b)["total_proof"]["challenges"][0])
            )
        ),
        "changed challenge": variant(
            lambda b: answer(b)["choice_proofs"][1]["challenges"].__setitem__(
                0, "00" + answer(b)["choice_proofs"][1]["challenges"][0][2:]
            )
        ),
        "changed response": variant(
            lambda b: answer(b)["total_proof"]["responses"].__setitem__(
                -1, "01" + answer(b)["total_proof"]["responses"][-1][2:]
            )
        ),
        "swapped ciphertexts": variant(lambda b: answer(b)["choices"].reverse()),
        "proof of another credential": variant(lambda b: b["answers"].__setitem__(0, other["answers"][0])),
        "credential of another ballot": variant(lambda b: b.update(credential=other["credential"])),
        "signature flipped": variant(lambda b: b.update(signature="00" + b["signature"][2:])),
        "signature S + L": variant(
            lambda b: b.update(signature=b["signature"][:64] + bump_scalar(b["signature"][64:]))
        ),
        "another election": variant(lambda b: b.update(election="00" * 32)),
        "missing proof": variant(lambda b: answer(b)["choice_proofs"].pop()),
        "extra key": variant(lambda b: b.update(extra=1)),
        "blank flag removed": variant(lambda b: answer(b).update(blank=None, blank_proof=None)),
        "wrong range size": variant(lambda b: answer(b)["total_proof"]["challenges"].pop()),
    }


def test_tampered_ballots_rejected_by_both(board_election: Setup) -> None:
    setup = board_election
    ballot = _python_ballot(setup, setup.credentials[0], [[1, 0, 1, 0, 0, 0, 0, 0, 0, 0]])
    other = _python_ballot(setup, setup.credentials[1], [[1, 0, 1, 0, 0, 0, 0, 0, 0, 0]])
    variants = _tampered(setup, ballot, other)
    names = list(variants)
    answers = node(setup.request("verify_ballots", ballots=[ballot, *variants.values()]))
    assert answers[0] == {"ok": True, "value": canonical.hash_json_hex(ballot)}
    for name, tampered, js in zip(names, variants.values(), answers[1:], strict=True):
        with pytest.raises(InvalidBallot):
            verify_ballot(setup.election, tampered)
        assert js["ok"] is False and js["error"].startswith("InvalidBallot"), (name, js)


def test_range_proof_verifier_never_throws(referendum: Setup) -> None:
    ballot = _python_ballot(referendum, referendum.credentials[0], [[0, 1, 0]])
    answer = ballot["answers"][0]
    context = (referendum.election.fingerprint + bytes.fromhex(ballot["credential"])).hex()
    base = {
        "op": "verify_range",
        "context": context,
        "key": referendum.election.public_key.hex(),
        "ciphertext": answer["choices"][1],
        "proof": answer["choice_proofs"][1],
    }
    assert node({**base, "lo": 0, "hi": 1}) == {"ok": True, "value": True}
    for lo, hi in ((0, 2), (1, 1), (1, 0), (-1, 1), (0, 2**63)):
        assert node({**base, "lo": lo, "hi": hi}) == {"ok": True, "value": False}
    assert node({**base, "lo": 0, "hi": 1, "context": "00"}) == {"ok": True, "value": False}


def test_signature_rule_agrees_with_libsodium() -> None:
    rng = deterministic_rng(b"signatures")
    key = nacl.signing.SigningKey(rng(32))
    public = key.verify_key.encode()
    message = b"ballot-crypto/ballot/1\x00{}"
    sig = key.sign(message).signature
    s = int.from_bytes(sig[32:], "little")
    items = [(sig, message), (sig, message + b"x"), (sig[:32] + (s + L).to_bytes(32, "little"), message)]
    items += [(bytes.fromhex(t) + sig[32:], message) for t in TORSION]  # small-order R
    items += [(bytes.fromhex(_noncanonical_points()[0]) + sig[32:], message)]
    corpus = [{"signature": sg.hex(), "message": m.hex(), "public_key": public.hex()} for sg, m in items]
    answers = node({"op": "verify_signatures", "items": corpus})
    for (sg, m), js in zip(items, answers, strict=True):
        try:
            nacl.signing.VerifyKey(public).verify(m, sg)
            py = True
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError):
            py = False
        assert js == py
    assert answers[0] is True


# -- canonical JSON and credentials: byte-exact agreement ---------------------------------------------------


def test_canonical_json_agrees() -> None:
    values: list[Any] = [
        {"b": 1, "a": [True, False, None, -5, 0, 2**53 - 1, -(2**53 - 1)]},
        {"\ud7ff": 1, "\U0001f600": 2, "\uffff": 3, "z": 4, "Z": 5, "é": 6, "": 7},
        ['"\\/\b\f\n\r\t\x00\x1f\x7f\u2028\u2029\u00e9\U0001f5f3 <script>'],
        {"nested": {"y": {"b": [], "a": {}}}},
        "plain",
    ]
    invalid: list[Any] = [1.5, 2**53, -(2**53)]
    answers = node({"op": "canonical", "values": values + invalid})
    for value, js in zip(values, answers[: len(values)], strict=True):
        assert js["ok"] and js["value"].encode() == canonical.dumps(value)
    for value, js in zip(invalid, answers[len(values) :], strict=True):
        with pytest.raises(CryptoError):
            canonical.dumps(value)
        assert js["ok"] is False


def test_canonical_loads_agrees() -> None:
    texts = [
        b'{"a":1,"b":[1,2]}',
        b'{"b":1,"a":2}',
        b'{"a":1,"a":2}',
        b'{"a": 1}',
        b"[1.0]",
        b"[1e2]",
        b"[-0]",
        b'"\\u00e9"',
        '"é"'.encode(),
        b"\xef\xbb\xbf{}",
        b"{}\n",
        b'"\\/"',
        b'"\xff"',
        b"[9007199254740992]",
        b"[9007199254740991]",
        b"NaN",
        b'"\\ud800"',
        b"[01]",
    ]
    answers = node({"op": "loads", "texts": [base64.b64encode(t).decode() for t in texts]})
    for text, js in zip(texts, answers, strict=True):
        try:
            canonical.loads(text)
            py = True
        except CryptoError:
            py = False
        assert js["ok"] == py, text


def test_credential_parsing_agrees(referendum: Setup) -> None:
    good = referendum.credentials[0]
    chars = good.replace("-", "")
    swapped = chars[1] + chars[0] + chars[2:] if chars[0] != chars[1] else chars[2] + chars[1] + chars[0] + chars[3:]
    wrong = ("1" if chars[5] != "1" else "2").join([chars[:5], chars[6:]])
    texts = [
        good,
        good.lower(),
        " ".join(chars),
        chars.replace("0", "O").replace("1", "I"),
        f"  {good}\t\n",
        good.replace("-", "_"),
        good.replace("-", "."),
        swapped,
        wrong,
        chars[:-1],
        chars + "0",
        good + "U",
        chars[:4] + "é" + chars[5:],
        "",
        "\x1c" + good,
        "\ufeff" + good,
        "\u00a0" + good,
        5,
    ]
    answers = node({"op": "parse_credentials", "texts": texts})
    for text, js in zip(texts, answers, strict=True):
        try:
            py: dict[str, Any] = {"ok": True, "value": parse_credential(text)}  # type: ignore[arg-type]
        except CryptoError:
            py = {"ok": False}
        assert js["ok"] == py["ok"], repr(text)
        if py["ok"]:
            assert js["value"] == py["value"]


# -- (e) a spoiled ballot made in JavaScript passes ballot-audit --------------------------------------------------


def _ballot_audit(path: Path) -> subprocess.CompletedProcess[str]:
    return run([str(BIN / "ballot-audit"), "spoiled", str(path)], timeout=120)


def test_js_spoiled_ballot_passes_ballot_audit(mixed: Setup, tmp_path: Path) -> None:
    choices = sample.random_choices(mixed.manifest, random.Random(3))
    choices[2] = [0, 0, 0]  # a blank answer
    made = node(mixed.request("ballot", credential=mixed.credentials[2], choices=choices))
    spoiled = made["spoiled"]
    assert check_spoiled(spoiled) == choices
    path = tmp_path / "spoiled.json"
    path.write_text(json.dumps(spoiled, indent=1), encoding="utf-8")
    proc = _ballot_audit(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "VALID" in proc.stdout and "INVALID" not in proc.stdout
    # A reveal that does not match the ciphertexts fails.
    first = spoiled["reveal"][0]["choices"]
    spoiled["reveal"][0]["choices"] = first[1:] + first[:1]
    path.write_text(json.dumps(spoiled), encoding="utf-8")
    proc = _ballot_audit(path)
    assert proc.returncode != 0 and "INVALID" in proc.stdout


# -- timings in node (no assertion on speed) --------------------------------------------------------------------


def test_node_timings(referendum: Setup, board_election: Setup) -> None:
    """Medians of key derivation, encrypt + prove + sign, and the whole cast; printed (pytest -s) for the docs."""
    for name, setup, choices in (
        ("referendum", referendum, [[1, 0, 0]]),
        ("10 candidates, up to 3", board_election, [[1, 1, 0, 0, 0, 0, 0, 0, 1, 0]]),
    ):
        timing = node(setup.request("time", credential=setup.credentials[0], choices=choices, runs=9))
        print(f"\nnode {name}: {timing}")
        assert timing["runs"] == 9


# -- (f) the bundle in Chromium under the site's CSP --------------------------------------------------------------


def _build_bundle(out: Path) -> None:
    """Run package.json's build script with the output redirected (the script itself is what is tested)."""
    script = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["scripts"]["build"].split()
    assert script[0] == "esbuild"
    args = [a if not a.startswith("--outfile=") else f"--outfile={out}" for a in script[1:]]
    proc = run([str(ROOT / "node_modules" / ".bin" / "esbuild"), *args], timeout=120)
    assert proc.returncode == 0, proc.stderr


class _CspHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served_bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("booth")
    _build_bundle(site / "ballot-crypto.js")
    (site / "page.js").write_text(
        "window.pageScript = typeof BallotCrypto;\n"
        "window.evalResult = (() => { try { return String(eval('1 + 1')); } catch (e) { return e.name; } })();\n",
        encoding="utf-8",
    )
    (site / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>booth crypto</title>"
        '<script src="/ballot-crypto.js"></script><script src="/page.js"></script>'
        "<script>window.inlineRan = true;</script>",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_CspHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _chromium_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium test skipped: {CHROMIUM} is missing"
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS).close()
    except Exception as exc:
        return f"Chromium test skipped: Playwright cannot launch {CHROMIUM} ({type(exc).__name__})"
    return None


_BROWSER_CAST = """([election, manifest, credential, choices, runs]) => {
  const B = window.BallotCrypto;
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const load = [], kdf = [], cast = [];
  let e, last;
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    e = B.booth.load(election, manifest);
    load.push(performance.now() - t0);
    t0 = performance.now();
    B.deriveKey(credential, e.salt);
    kdf.push(performance.now() - t0);
    t0 = performance.now();
    last = B.booth.cast(e, credential, choices);
    cast.push(performance.now() - t0);
  }
  const audit = B.booth.audit(e, credential, choices);
  return {ballot: last.ballot, tracker: last.tracker, spoiled: audit.spoiled,
          timing: {load_ms: median(load), kdf_ms: median(kdf), cast_ms: median(cast), runs}};
}"""


@pytest.mark.browser
def test_bundle_builds_ballots_in_chromium(
    served_bundle: str, referendum: Setup, board_election: Setup, tmp_path: Path
) -> None:
    reason = _chromium_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            violations: list[str] = []
            page.on(
                "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
            )
            page.goto(served_bundle)
            page.wait_for_function("window.pageScript !== undefined")
            state = page.evaluate(
                "() => ({page: window.pageScript, inline: window.inlineRan === true, eval: window.evalResult})"
            )
            assert state["page"] == "object"  # the bundle ran and set window.BallotCrypto
            assert state["inline"] is False and state["eval"] == "EvalError"  # the CSP is in force
            assert any("Content Security Policy" in v for v in violations)
            for name, setup, choices in (
                ("referendum", referendum, [[0, 0, 1]]),
                ("10 candidates, up to 3", board_election, [[0, 1, 0, 0, 0, 1, 0, 0, 1, 0]]),
            ):
                out = page.evaluate(
                    _BROWSER_CAST, [setup.election_json, setup.manifest.to_json(), setup.credentials[1], choices, 9]
                )
                assert verify_ballot(setup.election, out["ballot"]) == out["tracker"]
                assert out["ballot"]["credential"] == setup.credential_key(setup.credentials[1]).hex()
                assert check_spoiled(out["spoiled"]) == choices
                path = tmp_path / f"spoiled-{len(choices[0])}.json"
                path.write_text(json.dumps(out["spoiled"]), encoding="utf-8")
                assert _ballot_audit(path).returncode == 0
                print(f"\nchromium {name}: {out['timing']}")
        finally:
            browser.close()
