"""Reading the board's survey form. Questions are written as plain text (works without JavaScript)::

    topic | single | Which topic should we focus on?
    - Climate
    - Housing

    events | multiple 1-2 | optional | Which events would you attend?
    - Summer party
    - Workshop

    why | text 500 | optional | Why this topic?
    if topic = Climate; Housing

A block is ``id | type [limits] | [optional |] question``, then ``- option`` lines, then at most one
``if <id> = answer; answer`` line (branching). Types: ``single``, ``multiple MIN-MAX``, ``ranking``,
``scale 1-5``, ``scale 0-10``, ``yesno``, ``text LIMIT``. Answers in ``if`` are option texts, ``yes``/``no``/``abstain``
or scale numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ballot.i18n import gettext as _
from ballot.questions.model import YESNO, Question
from ballot.web.dates import local_input, parse_local

_LIMITS = re.compile(r"^(?P<kind>[a-z]+)(?:\s+(?P<a>\d{1,6})(?:-(?P<b>\d{1,6}))?)?$")


class QuestionSyntaxError(ValueError):
    """A line of the questions text that cannot be read; the message names the line."""


@dataclass
class SurveyForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @property
    def checked(self) -> dict[str, bool]:
        return {name: self.values.get(name) == "1" for name in ("results_while_open", "breakdown")}


def read_survey_form(values: dict[str, str]) -> SurveyForm:
    """The form's fields, the parsed questions and the times; syntax errors beside their field."""
    form = SurveyForm(values=values)
    try:
        form.questions = parse_questions(values.get("questions", ""))
    except QuestionSyntaxError as exc:
        form.errors["questions"] = str(exc)
    for name in ("opens_at", "closes_at"):
        raw = values.get(name, "")
        moment = parse_local(raw) if raw else None
        if raw and moment is None:
            form.errors[name] = _("Please enter a date and time (e.g. 2026-05-01 18:00).")
        setattr(form, name, moment)
    return form


def parse_questions(text: str) -> list[Question]:
    """Question definitions from the text format; raises QuestionSyntaxError naming the line."""
    questions: list[Question] = []
    current: Question | None = None
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- "):
            if current is None or "options" not in current:
                raise QuestionSyntaxError(_("Line %(n)s: an option belongs below a choice or ranking question.",
                                            n=number))
            current["options"].append(stripped[2:].strip())
        elif stripped.startswith("if "):
            if current is None or "show_if" in current:
                raise QuestionSyntaxError(_("Line %(n)s: one 'if' line belongs below its question.", n=number))
            current["show_if"] = _branch(stripped[3:], questions[:-1], number)
        else:
            current = _header(stripped, number)
            questions.append(current)
    return questions


def _header(line: str, number: int) -> Question:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) < 3:
        raise QuestionSyntaxError(_("Line %(n)s: write 'id | type | question'.", n=number))
    qid, kind_part, rest = parts[0], parts[1], parts[2:]
    optional = bool(rest) and rest[0].lower() == "optional" and len(rest) > 1
    text = " | ".join(rest[1:] if optional else rest)
    match = _LIMITS.match(kind_part.lower())
    if match is None:
        raise QuestionSyntaxError(_("Line %(n)s: unknown question type '%(kind)s'.", n=number, kind=kind_part))
    kind, a, b = match["kind"], match["a"], match["b"]
    question: Question = {"id": qid, "kind": kind, "text": text, "optional": optional}
    if kind in ("single", "multiple", "ranking"):
        question["options"] = []
    if kind == "multiple":
        if a is None or b is None:
            raise QuestionSyntaxError(_("Line %(n)s: write 'multiple MIN-MAX', e.g. 'multiple 1-3'.", n=number))
        question.update(min=int(a), max=int(b))
    elif kind == "scale":
        if a is None or b is None:
            raise QuestionSyntaxError(_("Line %(n)s: write 'scale 1-5' or 'scale 0-10'.", n=number))
        question.update(low=int(a), high=int(b))
    elif kind == "text":
        question["max_length"] = int(a) if a is not None else 500
    elif a is not None:
        raise QuestionSyntaxError(_("Line %(n)s: the type '%(kind)s' takes no numbers.", n=number, kind=kind))
    return question


def _branch(rule: str, earlier: list[Question], number: int) -> dict[str, Any]:
    source_id, sep, wanted = rule.partition("=")
    source = next((q for q in earlier if q["id"] == source_id.strip()), None)
    if not sep or source is None:
        raise QuestionSyntaxError(_("Line %(n)s: write 'if <id of an earlier question> = answer; answer'.",
                                    n=number))
    answers: list[Any] = []
    for item in (part.strip() for part in wanted.split(";")):
        if source.get("options") is not None and item in source["options"]:
            answers.append(source["options"].index(item))
        elif source["kind"] == "yesno" and item.lower() in YESNO:
            answers.append(item.lower())
        elif source["kind"] == "scale" and re.fullmatch(r"\d{1,2}", item):
            answers.append(int(item))
        else:
            raise QuestionSyntaxError(_("Line %(n)s: '%(answer)s' is not an answer of question %(id)s.",
                                        n=number, answer=item, id=source["id"]))
    return {"question": source["id"], "answers": answers}


def questions_text(questions: list[Question]) -> str:
    """The text format for ``questions`` (the inverse of :func:`parse_questions`)."""
    blocks = []
    by_id = {q["id"]: q for q in questions}
    for q in questions:
        kind = q["kind"]
        limits = {"multiple": f" {q.get('min')}-{q.get('max')}", "scale": f" {q.get('low')}-{q.get('high')}",
                  "text": f" {q.get('max_length')}"}.get(kind, "")
        lines = [f"{q['id']} | {kind}{limits} | {'optional | ' if q.get('optional') else ''}{q['text']}"]
        lines += [f"- {option}" for option in q.get("options", [])]
        rule = q.get("show_if")
        if rule:
            source = by_id[rule["question"]]
            shown = [source["options"][a] if source.get("options") else str(a) for a in rule["answers"]]
            lines.append(f"if {rule['question']} = {'; '.join(shown)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


__all__ = ["QuestionSyntaxError", "SurveyForm", "local_input", "parse_questions", "questions_text",
           "read_survey_form"]
