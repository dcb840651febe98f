"""The panels as a student uses them: keyboard on the sliders, readouts and plot follow; axe-core.

Values are read from what the page shows (the slider's aria-valuenow, the readout table), never
from the kernel, so the whole path kernel -> widget messages -> DOM is what is tested.
"""

import math
import re
import time

import pytest

STEP_NOTEBOOK = "01_step_current.ipynb"
SINUS_NOTEBOOK = "03_sinusoidal_input.ipynb"
RHEOBASE_NA = 2.0  # the book's neuron: (v_threshold - v_rest) / R = 20 mV / 10 MOhm


def press_until(nb, slider, key, done, per_press, target, limit=400):
    """Press `key` on the slider's handle until done(value shown) holds; return that value.

    `per_press` is how far one press moves the value (for a log slider: the factor), so the
    presses needed to reach `target` go out in one batch, then the readout is checked. Each batch
    starts by giving the handle the focus again (JupyterLab may have moved it, e.g. activating the
    notebook's tab); if a batch moved nothing, the error says what had the focus and which dialog
    was open, rather than pressing on into a dialog.
    """
    handle = slider.locator(".noUi-handle").first
    pressed = 0
    while pressed < limit:
        value = nb.slider_value(slider)
        if done(value):
            return value
        handle.scroll_into_view_if_needed()
        handle.focus()
        if isinstance(per_press, tuple):  # ("x", factor): a log slider
            needed = math.log(target / value) / math.log(per_press[1])
        else:
            needed = (target - value) / per_press
        batch = max(1, min(limit - pressed, math.ceil(abs(needed) - 1e-6)))
        for _ in range(batch):
            nb.page.keyboard.press(key)
        pressed += batch
        if nb.slider_value(slider) == value:
            raise AssertionError(
                f"{batch} presses of {key} did not move the slider from {value}: the focus was on "
                f"{nb.focused()}; dialogs open: {nb.dialogs() or 'none'}; kernel {nb.kernel_status()}")
    raise AssertionError(f"{key} pressed {limit} times, the slider shows {nb.slider_value(slider)}")


def wait_for(predicate, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def settled_summary(nb, panel, value_text):
    """Wait until the readout's summary speaks of `value_text` (the kernel has caught up)."""
    return wait_for(lambda: (s := nb.summary(panel)) and value_text in s and s, what=f"summary with {value_text!r}")


def figure_png(nb, panel) -> bytes:
    figure = nb.figure(panel)
    figure.scroll_into_view_if_needed()
    nb.page.wait_for_timeout(300)  # let the last frame paint
    return figure.screenshot()


def test_step_panel_keyboard_across_the_rheobase(ran_notebook, artifacts):
    nb = ran_notebook(STEP_NOTEBOOK)
    assert nb.error_outputs() == []
    panel = nb.panel(0)
    panel.wait_for(state="visible")
    amplitude = nb.slider(panel, "step amplitude (nA)")

    # Below the rheobase with the arrow keys: no spike.
    below = press_until(nb, amplitude, "ArrowLeft", lambda v: v <= RHEOBASE_NA - 0.1 + 1e-9,
                        per_press=-0.01, target=RHEOBASE_NA - 0.1)
    settled_summary(nb, panel, f"for a {below:.2f} nA step")
    assert nb.readout(panel, "spikes (whole run)") == "0"
    assert "below the book's rheobase" in nb.summary(panel)
    quiet = figure_png(nb, panel)
    panel.screenshot(path=str(artifacts / "step_panel_below_rheobase.png"))

    # Across it with the arrow keys: spikes.
    above = press_until(nb, amplitude, "ArrowRight", lambda v: v >= RHEOBASE_NA + 0.1 - 1e-9,
                        per_press=0.01, target=RHEOBASE_NA + 0.1)
    settled_summary(nb, panel, f"for a {above:.2f} nA step")
    spikes = int(nb.readout(panel, "spikes (whole run)"))
    assert spikes > 0
    assert "above the book's rheobase" in nb.summary(panel)
    firing = figure_png(nb, panel)
    panel.screenshot(path=str(artifacts / "step_panel_above_rheobase.png"))
    assert firing != quiet, "the plot did not change when the neuron started firing"


def gain_mohm(nb, panel):
    text = nb.readout(panel, "gain |V|/I0")
    match = re.match(r"([0-9.]+) MΩ", text)
    return float(match.group(1)) if match else None


def test_sinus_panel_higher_frequency_lower_gain(ran_notebook, artifacts):
    nb = ran_notebook(SINUS_NOTEBOOK)
    assert nb.error_outputs() == []
    panel = nb.panel(0)
    panel.wait_for(state="visible")
    frequency = nb.slider(panel, "frequency (Hz)")
    low_hz = nb.slider_value(frequency)
    settled_summary(nb, panel, f"sinusoid at {low_hz:.1f} Hz")
    low_gain = wait_for(lambda: gain_mohm(nb, panel), what="a measured gain at the start")
    before = figure_png(nb, panel)

    # Up by half a decade with the arrow keys (each press x 10^0.01): the membrane filters more,
    # the gain falls.
    high_hz = press_until(nb, frequency, "ArrowRight", lambda v: v >= 3.1 * low_hz,
                          per_press=("x", 10 ** 0.01), target=3.17 * low_hz)
    settled_summary(nb, panel, f"sinusoid at {high_hz:.1f} Hz")
    high_gain = wait_for(lambda: gain_mohm(nb, panel), what="a measured gain at the higher frequency")
    panel.screenshot(path=str(artifacts / "sinus_panel_high_frequency.png"))
    assert high_gain < low_gain, f"gain {low_gain} MΩ at {low_hz:.1f} Hz, {high_gain} MΩ at {high_hz:.1f} Hz"
    assert high_gain < 0.8 * low_gain  # a real fall (book: 8.9 -> 5.3 MOhm from 10 to 32 Hz), not a wobble
    assert figure_png(nb, panel) != before


SERIOUS = ("serious", "critical")

# ipywidgets draws its sliders with noUiSlider, whose handle (role="slider") gets no accessible
# name: the visible <label> is not tied to it and ipywidgets has no option to name it (noUiSlider
# issues 1019 and 1223; ipywidgets passes no handleAttributes). Nothing a panel can set from
# Python changes that, so these nodes are written to artifacts/axe_*.txt but do not fail the
# test. Every other serious or critical violation does.
UPSTREAM = {"aria-input-field-name": "noUi-handle"}


def is_upstream(violation):
    marker = UPSTREAM.get(violation["id"])
    return marker is not None and all(marker in node["html"] for node in violation["nodes"])


def axe_violations(page, selector):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector, options={"resultTypes": ["violations"]})
    return results.response["violations"]


def summarise(violations):
    return [
        f"{v['impact']}: {v['id']} ({len(v['nodes'])} node(s)) {v['help']}"
        + "".join(f"\n    {n['target']}" for n in v["nodes"][:3])
        for v in violations
    ]


@pytest.mark.parametrize("name", [STEP_NOTEBOOK, SINUS_NOTEBOOK])
def test_axe_finds_no_serious_violation_on_the_panel(name, ran_notebook, artifacts):
    nb = ran_notebook(name)
    nb.panel(0).wait_for(state="visible")
    violations = axe_violations(nb.page, ".neurodyn-lab-panel")
    report = summarise(violations)
    (artifacts / f"axe_{name.removesuffix('.ipynb')}.txt").write_text("\n".join(report) or "no violations\n")
    serious = [line for v, line in zip(violations, report) if v["impact"] in SERIOUS and not is_upstream(v)]
    assert not serious, "axe-core, serious or critical:\n" + "\n".join(serious)
