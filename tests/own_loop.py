"""Running a coroutine from a test, whatever event loop this thread already runs."""

import asyncio
import threading


def run_in_own_loop(scenario, timeout=None):
    """Run the coroutine function `scenario` in a new event loop, in a thread of its own: this
    thread may already run a loop (Playwright's sync API, when the browser tests ran first), and
    asyncio.run refuses to start inside a running loop. Returns what it returns, raises what it raises;
    gives up after `timeout` seconds (None: waits)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(scenario())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if "error" in outcome:
        raise outcome["error"]
    if thread.is_alive():
        raise TimeoutError(f"{scenario.__name__} did not finish within {timeout} s")
    return outcome["value"]
