"""Where a panel lives: inside a Jupyter kernel (updates wait for the kernel's event loop) or not.

Also, inside a kernel, which notebook cell made or shows a panel (`CellPanels`, one per `Display`:
`_view.Display.cells`), so that running the cell again frees the panels of its previous run.

A panel defers its update to the kernel's event loop only when it lives in a Jupyter kernel, so
that a drag coalesces into one simulation. Anywhere else (a script, pytest, a Playwright test
whose own asyncio loop happens to run) it updates at once. Whether *some* asyncio loop runs says
nothing about where the panel lives, so it is not the test.
"""

import asyncio
import time
import weakref

__all__ = ["in_kernel", "kernel_loop", "LatestWins", "QUIET_S", "LONGEST_S", "REST_S", "kernel_shell", "CellPanels"]

#: A change is acted on once no other change arrived for this long (s): the widget messages that
#: queued up while a simulation ran arrive back to back (well under a millisecond apart, measured
#: 2026-12-03), a hand on a slider every 16 ms or more.
QUIET_S = 0.004
#: ... but never later than this after the first change waiting (s): a stream of changes faster
#: than `QUIET_S` still updates the panel about 20 times a second.
LONGEST_S = 0.05
#: A stream of changes (a drag) has come to rest when no change arrived for this long (s); what a
#: panel puts off while the stream runs (its readout table) is shown then.
REST_S = 0.2


def in_kernel():
    """True inside a Jupyter kernel: an IPython shell with a kernel that can talk to a front end.

    Examples
    --------
    >>> in_kernel()  # a doctest runs in plain Python
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def kernel_loop():
    """The event loop to schedule a panel update on, or None to update at once.

    Examples
    --------
    >>> kernel_loop() is None  # not in a kernel: panels update at once
    True
    """
    if not in_kernel():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a kernel that is not running its loop right now (e.g. a %run script)
        return None


class LatestWins:
    """Run `update` after changes settle: at most one run at a time, stale values are never run.

    `changed(loop)` is called on every change. Without a loop (not in a kernel) `update` runs at
    once. In a kernel, a change long after the last update (more than `longest` seconds) runs it at
    once too, in the change's own handler. The changes that arrive while a simulation runs wait as
    widget messages in the kernel's queue; for them `update` is put off until the queue has
    drained (no change for `quiet` seconds, at most `longest` seconds after the first change), and
    `update` reads the controls' values when it runs, so it sees only the newest: a drag never
    queues stale work.

    While changes stream in (an update that waited for the queue to drain: a drag), `moving` is
    True during `update`, and `rest` (if given) is called once the stream has rested for
    `rest_after` seconds: a panel puts off what need not follow every move (its readout table,
    rebuilt and re-laid out by the browser on every message) until then. A single change (a key
    press, a click, a change long after the last update) runs with `moving` False.

    Examples
    --------
    >>> runs = []
    >>> latest = LatestWins(lambda: runs.append(latest.moving))
    >>> for _ in range(3):
    ...     latest.changed(None)  # no event loop: each change runs at once, never "moving"
    >>> runs
    [False, False, False]
    """

    def __init__(self, update, quiet=QUIET_S, longest=LONGEST_S, rest=None, rest_after=REST_S):
        self.update = update
        self.quiet = quiet
        self.longest = longest
        self.rest = rest
        self.rest_after = rest_after
        self.scheduled = False
        #: True while `update` runs for a change in a stream of changes (see the class docstring).
        self.moving = False
        self._resting = False  # a call of `rest` is scheduled
        self._first = self._last = 0.0
        self._finished = float("-inf")

    def changed(self, loop):
        now = time.monotonic()
        self._last = now
        if loop is None:
            self.update()
            return
        if not self.scheduled:
            self.scheduled = True
            self._first = now
            if now - self._finished > self.longest:
                # Long after the last update no message can have queued up behind this one: update
                # now, in the change's own handler. The kernel then says "idle" after the frame has
                # left; in the loop's next round its I/O thread would wait for the interpreter in the
                # middle of the simulation, and the frame with it (about 5 ms later to the page, p50
                # of 40 key presses in JupyterLab, 2026-12-03).
                self._settle(loop, idle=True)
            else:
                loop.call_later(self.quiet, self._settle, loop)

    def _settle(self, loop, idle=False):
        now = time.monotonic()
        due = min(self._last + self.quiet, self._first + self.longest)
        if now < due and not (idle and self._last == self._first):
            loop.call_later(due - now, self._settle, loop)
            return
        self.scheduled = False
        self.moving = not idle
        try:
            self.update()
        finally:
            self.moving = False
            self._finished = time.monotonic()
            if not idle and self.rest is not None and not self._resting:
                self._resting = True
                loop.call_later(self.rest_after, self._rested, loop)

    def _rested(self, loop):
        waited = time.monotonic() - self._last
        if self.scheduled or waited < self.rest_after:  # still moving: look again when it may have rested
            loop.call_later(self.rest_after - waited if not self.scheduled else self.rest_after, self._rested, loop)
            return
        self._resting = False
        self.rest()

    def cancel(self):
        """Forget a pending update (a closed panel): `update` and `rest` are no longer called."""
        self.update = _nothing
        self.rest = _nothing if self.rest is not None else None


def _nothing():
    return None


class CellPanels:
    """The panels each notebook cell made or shows, in one kernel; freed when the cell runs again.

    A panel made by a cell is remembered weakly and closed when that cell runs again (its new
    run makes a new one; IPython's ``Out`` history would keep the old one alive for good). A panel
    a cell *shows* (``display(panel)``, or the cell's value) is held strongly until that cell runs
    again: its output shows it, even when no variable names it. The cell is the execute request's
    ``cellId`` (sent by JupyterLab and Notebook 7); without one nothing is tracked.
    """

    def __init__(self, shell=None):
        self.shell = shell
        self._made = {}  # cell id -> WeakSet of panels
        self._shown = {}  # cell id -> [panel, ...]
        if shell is not None:
            shell.events.register("pre_run_cell", self._pre_run_cell)

    def _cell(self):
        kernel = getattr(self.shell, "kernel", None)
        try:
            parent = kernel.get_parent() if kernel is not None else {}
        except Exception:  # an ipykernel without get_parent: nothing is tracked
            return None
        cell = (parent or {}).get("metadata", {}).get("cellId")
        if cell is None or (parent or {}).get("header", {}).get("msg_type") != "execute_request":
            return None
        return cell

    def created(self, panel):
        cell = self._cell()
        if cell is not None:
            self._made.setdefault(cell, weakref.WeakSet()).add(panel)

    def shown(self, panel):
        cell = self._cell()
        if cell is not None and all(p is not panel for p in self._shown.get(cell, ())):
            self._shown.setdefault(cell, []).append(panel)

    def _pre_run_cell(self, info):
        cell = getattr(info, "cell_id", None)
        if cell is None:
            return
        self._shown.pop(cell, None)
        for panel in list(self._made.pop(cell, ())):
            panel.close()


def kernel_shell():
    """The IPython shell of the running Jupyter kernel (its cells have ids), or None.

    Examples
    --------
    >>> kernel_shell() is None  # a doctest runs in plain Python
    True
    """
    if not in_kernel():
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "events") else None
