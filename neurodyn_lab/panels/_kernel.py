"""Where a panel lives: inside a Jupyter kernel (updates wait for the kernel's event loop) or not.

A panel defers its update to the kernel's event loop only when it lives in a Jupyter kernel, so
that a drag coalesces into one simulation. Anywhere else (a script, pytest, a Playwright test
whose own asyncio loop happens to run) it updates at once. Whether *some* asyncio loop runs says
nothing about where the panel lives, so it is not the test.
"""

import asyncio

__all__ = ["in_kernel", "kernel_loop"]


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
