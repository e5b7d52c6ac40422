"""The app starts, answers health checks, and sends security headers on both backends."""

from __future__ import annotations


async def test_healthz(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_unknown_page_is_a_friendly_404(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/does-not-exist")
    assert response.status_code == 404
    assert "<h1>" in response.text
    assert "Traceback" not in response.text


async def test_tree_paths(factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    assert tree.federal.contains(tree.local_a)
    assert not tree.state_b.contains(tree.local_a)
    assert tree.local_a.ancestor_ids()[0] == tree.federal.id
