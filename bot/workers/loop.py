"""What every worker's loop task shares."""

from __future__ import annotations

import asyncio
import contextlib


async def stop_loop(task: asyncio.Task | None, timeout: float) -> bool:
    """Wait up to `timeout` for a worker's loop `task` to end by itself (its stop flag is set);
    cancel it otherwise. False when it had to be cancelled. A loop stopping itself (`task` is
    the caller), or one not running, is left alone."""
    if task is None or task.done() or task is asyncio.current_task():
        return True
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if done:
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
