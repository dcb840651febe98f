"""The book's answers to notebook 00's questions (see tests/test_nbgrader.py, `book_values`)."""

from neurodyn_lab import LIFParams

from book_common import classic_step_count

FUNCTION_BODIES = {}

CLOSED_FORM_CALLS = {}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    classic = LIFParams.classic()
    return {
        "classic rheobase": (classic.v_threshold - classic.v_rest) / classic.R,
        "classic step spikes": classic_step_count(v.classic_amplitude)[0],
    }

#: Figure questions: the plot a student draws from the book, leaving the Figure in ``fig``. The
#: charging curve is the book's v(t) = v_rest + R I (1 - exp(-(t - t0)/tau)) for the classic neuron
#: (v_rest = 0 mV, R = 1 MOhm, tau = 1 ms, threshold 1 mV: R I in mV is I in nA), written out here.
FIGURE_CODE = {
    "00.step_trace_plot": """
import matplotlib.pyplot as plt
from neurodyn_lab.lif import LIF_Step
rec = LIF_Step(I_amp=me.classic_amplitude, do_plot=False)
fig, ax = plt.subplots()
ax.plot(rec.t / ms, rec.v[0] / mV)
drive_mV = me.classic_amplitude  # R I with R = 1 MOhm
t_first = np.log(drive_mV / (drive_mV - 1.0))  # ms after the step starts at 20 ms (tau = 1 ms)
since_start = np.linspace(0, t_first, 60)
ax.plot(20 + since_start, drive_mV * (1 - np.exp(-since_start)))
ax.set_xlabel("t [ms]")
ax.set_ylabel("membrane voltage [mV]")
""",
}
