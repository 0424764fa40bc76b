"""Workarounds of library bugs, in one place (each module names the upstream issue)."""

from __future__ import annotations


def install() -> None:
    """Apply the workarounds the running bot needs (idempotent; `build_dispatcher` calls it)."""
    from . import intent_ids, reply_callbacks

    intent_ids.install()
    reply_callbacks.install()
