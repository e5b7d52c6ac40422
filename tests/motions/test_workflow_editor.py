"""The configurable workflow: validation, permissions from the stored workflow (a named body admits and decides),
the editor over HTTP with errors beside the fields, templates, and the refusal once motions exist."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.motions import steps, support, workflow, workflow_editor
from ballot.motions.models import State, TargetKind
from ballot.motions.workflow import Rules, Transition
from ballot.motions.workflow_editor import Submitted
from ballot.units.models import BodyType, Unit, UnitKind
from tests.motions.conftest import World, login, send

S = State


def t(source: State, target: State, *roles: str) -> Transition:
    return Transition(source, target, frozenset(roles))


def test_templates_are_valid_and_round_trip() -> None:
    for rules in workflow.TEMPLATES.values():
        assert workflow.validate(rules.states, rules.transitions) == {}
        again = Rules.from_json(rules.to_json())
        assert again.states == rules.states and set(again.transitions) == set(rules.transitions)
    assert S.RECOMMENDATION not in workflow.CONVENTION.states


def test_validation_names_the_problem_and_its_field() -> None:
    base = [t(S.DRAFT, S.SUBMITTED, "author"), t(S.SUBMITTED, S.ADOPTED, "board")]
    states = {S.DRAFT, S.SUBMITTED, S.ADOPTED}
    assert workflow.validate(states, base) == {}
    assert "states" in workflow.validate(states - {S.DRAFT}, base)
    assert "states" in workflow.validate({S.DRAFT, S.SUBMITTED, S.ADMITTED},
                                         [t(S.DRAFT, S.SUBMITTED, "author"), t(S.SUBMITTED, S.ADMITTED, "board")])
    final = workflow.validate(states | {S.REJECTED}, [*base, t(S.ADOPTED, S.REJECTED, "board")])
    assert "final state" in final["t-adopted"]
    not_chosen = workflow.validate(states, [*base, t(S.SUBMITTED, S.REJECTED, "board")])
    assert "not chosen" in not_chosen["t-submitted"]
    back = workflow.validate(states, [*base, t(S.SUBMITTED, S.DRAFT, "author")])
    assert "t-submitted" in back
    unreachable = workflow.validate(states | {S.RECOMMENDATION},
                                    [*base, t(S.RECOMMENDATION, S.ADOPTED, "board")])
    assert "cannot be reached" in unreachable["states"]
    dead_end = workflow.validate(states | {S.ADMITTED}, [*base, t(S.SUBMITTED, S.ADMITTED, "board")])
    assert "next step" in dead_end["t-admitted"]


def test_form_reading_ignores_unknown_states_and_keeps_roles() -> None:
    read = workflow_editor.read_form([("states", "draft"), ("states", "nonsense"), ("t:draft:submitted", "author"),
                                      ("t:draft:submitted", "board"), ("t:draft:bogus", "author"),
                                      ("t:a:b:c", "x")])
    assert read.states == {S.DRAFT}
    assert read.transitions == (t(S.DRAFT, S.SUBMITTED, "author", "board"),)


async def _commission_workflow(world: World) -> Unit:
    """A workflow where the Antragskommission (a body) admits and decides; returns the body."""
    body = await world.factory.unit("Antragskommission", UnitKind.BODY, world.tree.state_a,
                                    body_type=BodyType.OTHER)
    commission = f"body:{body.id}"
    rules = Submitted(frozenset({S.DRAFT, S.SUBMITTED, S.ADMITTED, S.WITHDRAWN, S.ADOPTED, S.REJECTED}), (
        t(S.DRAFT, S.SUBMITTED, "author"), t(S.DRAFT, S.WITHDRAWN, "author"),
        t(S.SUBMITTED, S.ADMITTED, commission), t(S.ADMITTED, S.ADOPTED, commission, "admin"),
        t(S.ADMITTED, S.REJECTED, commission, "admin")))
    await workflow_editor.save_workflow(world.db, await world.p(world.board), world.consultation,
                                        world.tree.state_a, rules)
    return body


async def test_permissions_come_from_the_stored_workflow(world: World) -> None:
    body = await _commission_workflow(world)
    assert world.consultation.workflow == workflow.CUSTOM
    member = await world.factory.member(world.tree.state_a, given_name="Kim", family_name="Kommission")
    await world.factory.join_group(member, body)
    commissioner = await world.factory.account(member)
    motion = await world.motion()
    await steps.move(world.db, await world.p(world.initiator), await world.ref(motion, world.initiator), "submitted")
    ref = await world.ref(motion)
    for account in (world.woman, world.man):
        await support.set_support(world.db, await world.p(account), ref.unit, ref.consultation, TargetKind.MOTION,
                                  motion.id, motion.state, set(), support=True)
    with pytest.raises(PermissionDenied):  # the board no longer admits in this workflow
        await steps.move(world.db, await world.p(world.board), ref, "admitted")
    await steps.move(world.db, await world.p(commissioner), await world.ref(motion, commissioner), "admitted")
    with pytest.raises(PermissionDenied):  # the initiator may not withdraw after admission here
        await steps.move(world.db, await world.p(world.initiator), await world.ref(motion, world.initiator),
                         "withdrawn")
    await steps.move(world.db, await world.p(commissioner), await world.ref(motion, commissioner), "adopted")
    assert motion.state == S.ADOPTED


async def test_the_workflow_is_fixed_once_motions_exist(world: World) -> None:
    await world.motion()
    with pytest.raises(PermissionDenied):
        await workflow_editor.save_workflow(world.db, await world.p(world.board), world.consultation,
                                            world.tree.state_a, Submitted(workflow.CONVENTION.states,
                                                                          workflow.CONVENTION.transitions))


async def test_only_managers_edit_and_roles_must_be_offered(world: World) -> None:
    rules = Submitted(workflow.CONVENTION.states, workflow.CONVENTION.transitions)
    with pytest.raises(PermissionDenied):
        await workflow_editor.save_workflow(world.db, await world.p(world.initiator), world.consultation,
                                            world.tree.state_a, rules)
    stranger = Submitted(frozenset({S.DRAFT, S.SUBMITTED, S.ADOPTED}),
                         (t(S.DRAFT, S.SUBMITTED, "author"), t(S.SUBMITTED, S.ADOPTED, "body:999999")))
    with pytest.raises(ValidationFailed) as caught:
        await workflow_editor.save_workflow(world.db, await world.p(world.board), world.consultation,
                                            world.tree.state_a, stranger)
    assert "t-submitted" in caught.value.errors


async def test_editor_over_http(client: AsyncTestClient[Litestar], world: World) -> None:
    cid = world.consultation.id
    await login(client, world.factory, world.board)
    page = await client.get(f"/consultations/{cid}/workflow?template=convention")
    assert page.status_code == 200
    assert 'name="t:submitted:admitted" value="board" checked' in page.text
    assert 'name="t:admitted:recommendation" value="board">' in page.text  # not in the convention template
    bad = await send(client, f"/consultations/{cid}/workflow",
                     {"states": ["submitted", "adopted"], "t:submitted:adopted": "board"},
                     page=f"/consultations/{cid}/workflow")
    assert bad.status_code == 422
    assert 'id="f-states-error"' in bad.text and 'href="#f-states"' in bad.text
    form: dict[str, list[str] | str] = {"states": [s.value for s in workflow.CONVENTION.states]}
    for step in workflow.CONVENTION.transitions:
        form[f"t:{step.source.value}:{step.target.value}"] = sorted(step.roles)
    form["t:submitted:rejected"] = ["admin"]  # only administrators reject before admission
    saved = await send(client, f"/consultations/{cid}/workflow", form, page=f"/consultations/{cid}/workflow")
    assert saved.status_code == 200 and "Own workflow of this consultation" in saved.text
    assert "Administrators" in saved.text
    await world.db.refresh(world.consultation)
    stored = Rules.from_json(world.consultation.workflow_rules or {})
    assert t(S.SUBMITTED, S.REJECTED, "admin") in stored.transitions
    await login(client, world.factory, world.woman)
    assert (await client.get(f"/consultations/{cid}/workflow")).status_code == 403
