"""What is alive in this process, found by walking the garbage collector's objects.

Each object's class is asked with ``type(o)``: ``isinstance`` on a dead weak proxy (Brian2 keeps
many) raises ReferenceError, which failed a test in CI (2026-12-03, seed 124036781), and a live
proxy would count its target twice.
"""

import gc
import weakref

import ipywidgets
from matplotlib.figure import Figure


def instances(cls) -> list:
    """Every object alive now whose class is `cls` or a subclass (proxies not counted)."""
    return [o for o in gc.get_objects() if issubclass(type(o), cls)]


def figures_alive() -> weakref.WeakSet:
    """The matplotlib Figures alive now, as a weak set (it keeps none alive). A test compares with
    ``<=``: no Figure alive that was not before. Garbage of earlier tests (in whatever order they
    ran) may be collected meanwhile, so the count may fall."""
    gc.collect()
    return weakref.WeakSet(instances(Figure))


def open_widgets() -> weakref.WeakSet:
    """The widgets with an open comm now, as a weak set (compare as `figures_alive`)."""
    gc.collect()
    return weakref.WeakSet(o for o in instances(ipywidgets.Widget) if o.comm is not None)
