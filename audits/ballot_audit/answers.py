"""Parse one answer of a ballot against its question (check 7) and list its range proofs (check 10, 3.6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from ballot_audit import primitives
from ballot_audit.primitives import IDENTITY, L
from ballot_audit.structure import HEX

ANSWER_KEYS = frozenset(("blank", "blank_proof", "choice_proofs", "choices", "question", "total_proof"))
Ciphertext = tuple[bytes, bytes]
Proof = tuple[list[bytes], list[bytes]]
ProofItem = tuple[str, Ciphertext, int, int, Proof]


class QSpec(NamedTuple):
    """A question as a worker needs it (docs/election-record.md 3.3, 3.6)."""

    id: str
    options: tuple[str, ...]
    maxima: tuple[int, ...]
    blank_flag: bool
    lo: int
    hi: int
    max: int


class Problem(Exception):
    """A structural problem: check number, JSON path below the answer, message."""

    def __init__(self, check: int, path: str, message: str) -> None:
        super().__init__(message)
        self.check, self.path, self.message = check, path, message


def _hexes(values: Any, path: str) -> list[bytes]:
    if type(values) is not list:
        raise Problem(1, path, "expected a list")
    for i, v in enumerate(values):
        if type(v) is not str or len(v) != 64 or not HEX.issuperset(v):
            raise Problem(1, f"{path}[{i}]", "expected 32 bytes as lowercase hex")
    return [bytes.fromhex(v) for v in values]


def _ciphertext(obj: Any, path: str) -> Ciphertext:
    if type(obj) is not dict or obj.keys() != {"alpha", "beta"}:
        raise Problem(1, path, 'expected {"alpha": point, "beta": point}')
    alpha, beta = _hexes([obj["alpha"], obj["beta"]], path)
    if alpha == IDENTITY or beta == IDENTITY:
        raise Problem(7, path, "the identity is not allowed in a ballot ciphertext")
    return alpha, beta


def _proof(obj: Any, n: int, path: str) -> Proof:
    if type(obj) is not dict or obj.keys() != {"challenges", "responses"}:
        raise Problem(1, path, 'expected {"challenges": [scalar], "responses": [scalar]}')
    cs, zs = _hexes(obj["challenges"], f"{path}.challenges"), _hexes(obj["responses"], f"{path}.responses")
    if len(cs) != n or len(zs) != n:
        raise Problem(10, path, f"{len(cs)} challenges and {len(zs)} responses, the range needs {n} of each")
    for i, s in enumerate(cs + zs):
        if int.from_bytes(s, "little") >= L:
            raise Problem(7, path, f"scalar {i} is not canonical (>= L)")
    return cs, zs


@dataclass
class ParsedAnswer:
    choices: list[Ciphertext]
    choice_proofs: list[Proof]
    blank: Ciphertext | None
    blank_proof: Proof | None
    total_proof: Proof

    def points(self) -> list[bytes]:
        """alpha and beta of every choice, then of the blank flag: the points aggregation sums."""
        cts = self.choices + ([] if self.blank is None else [self.blank])
        return [p for ct in cts for p in ct]

    def points_valid(self) -> bool:
        return all(primitives.is_valid(p) for p in self.points())

    def total(self, qmax: int) -> Ciphertext:
        """T = sum of the choices, plus max * blank flag when there is one."""
        alpha, beta = self.choices[0]
        for a, b in self.choices[1:]:
            alpha, beta = primitives.add(alpha, a), primitives.add(beta, b)
        if self.blank is not None:
            ba, bb = self.blank
            if qmax <= 6:  # a few additions are cheaper than two multiplications
                for _ in range(qmax):
                    alpha, beta = primitives.add(alpha, ba), primitives.add(beta, bb)
            else:
                k = qmax.to_bytes(32, "little")
                alpha, beta = primitives.add(alpha, primitives.mul(k, ba)), primitives.add(beta, primitives.mul(k, bb))
        return alpha, beta

    def proofs(self, question: QSpec) -> Iterator[ProofItem]:
        """(path, ciphertext, lo, hi, proof) for each range proof, choices first, the total last."""
        for i, (ct, proof) in enumerate(zip(self.choices, self.choice_proofs, strict=True)):
            yield f"choice_proofs[{i}]", ct, 0, question.maxima[i], proof
        if self.blank is not None and self.blank_proof is not None:
            yield "blank_proof", self.blank, 0, 1, self.blank_proof
        try:
            total = self.total(question.max)
        except primitives.SodiumError:
            total = (IDENTITY, IDENTITY)  # an invalid point: the proof fails and `explain` names the point
        yield "total_proof", total, question.lo, question.hi, self.total_proof

    def explain(self, question: QSpec, path: str, lo: int,
                hi: int) -> str:
        """The message for a failed proof, naming an invalid point when there is one."""
        message = f"range proof over [{lo}, {hi}] does not verify"
        if path.startswith("choice_proofs["):
            i = int(path[len("choice_proofs[") : -1])
            message = f"question {question.id}, option {question.options[i]}: {message}"
            cts = [self.choices[i]]
        elif path == "blank_proof" and self.blank is not None:
            message = f"question {question.id}, the blank flag: {message}"
            cts = [self.blank]
        else:
            message = f"question {question.id}, the number of votes: {message}"
            cts = self.choices + ([] if self.blank is None else [self.blank])
        if any(not primitives.is_valid(p) for ct in cts for p in ct):
            message += " (a ciphertext holds an invalid point: not canonical, not on the curve or not in the subgroup)"
        return message


def parse_answer(question: QSpec, answer: Any) -> ParsedAnswer:
    """Decode an answer and check its shape against the question; raises Problem."""
    qid, maxima, blank_flag, lo, hi = question.id, question.maxima, question.blank_flag, question.lo, question.hi
    if type(answer) is not dict or answer.keys() != ANSWER_KEYS:
        raise Problem(1, "", f"expected an object with exactly the keys {sorted(ANSWER_KEYS)}")
    if answer["question"] != qid:
        raise Problem(7, ".question", f"is {answer['question']!r}, the manifest's question here is {qid!r}")
    cts, proofs, n = answer["choices"], answer["choice_proofs"], len(maxima)
    if type(cts) is not list or type(proofs) is not list or len(cts) != n or len(proofs) != n:
        raise Problem(7, "", f"expected {n} choices and {n} choice proofs (one per option)")
    choices = [_ciphertext(ct, f".choices[{i}]") for i, ct in enumerate(cts)]
    choice_proofs = [_proof(p, m + 1, f".choice_proofs[{i}]") for i, (p, m) in enumerate(zip(proofs, maxima,
                                                                                              strict=True))]
    blank = blank_proof = None
    if blank_flag:
        if answer["blank"] is None or answer["blank_proof"] is None:
            raise Problem(7, ".blank", f"question {qid} has a blank flag: blank and blank_proof must be present")
        blank, blank_proof = _ciphertext(answer["blank"], ".blank"), _proof(answer["blank_proof"], 2, ".blank_proof")
    elif answer["blank"] is not None or answer["blank_proof"] is not None:
        raise Problem(7, ".blank", f"question {qid} has no blank flag: blank and blank_proof must be null")
    total_proof = _proof(answer["total_proof"], hi - lo + 1, ".total_proof")
    return ParsedAnswer(choices, choice_proofs, blank, blank_proof, total_proof)
