"""IPython extension loaded into the kernels that execute the course notebooks for the docs.

A panel is an ipywidgets widget: without a live kernel a static page cannot show it (the widget's
own output is only a reference to a model in the kernel). In the docs build the panels show their
figure as a PNG image (``NEURODYN_LAB_VIEW=image``, set in the kernel's environment by conf.py),
and this extension gives every widget that has a ``figure`` a static HTML rendering: the panel's
title, the figure as an image whose alternative text is the panel's one-line summary, and the
readout table (simulation against the book). conf.py drops the widget-view output from the pages,
so this rendering is what the reader sees.

Only public attributes of the panels are used (``title``, ``figure``, ``summary``, ``readouts``).
"""

import base64
import html
import io

_NOTE = "A static picture of the panel: run the notebook in JupyterLab to move its controls."


def panel_html(panel):
    """Static HTML for a widget with a matplotlib ``figure``; None for any other widget."""
    figure = getattr(panel, "figure", None)
    if figure is None or not hasattr(figure, "savefig"):
        return None
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    summary = getattr(panel, "summary", "") or "figure of the panel"
    title = getattr(panel, "title", type(panel).__name__)
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(str(label))}</th><td>{html.escape(str(sim))}</td>"
        f"<td>{html.escape(str(book))}</td></tr>"
        for label, (sim, book) in dict(getattr(panel, "readouts", {}) or {}).items()
    )
    table = (
        "<table class='nbdocs-readout'><caption>Simulation and the book's closed forms</caption>"
        f"<tr><th></th><th scope='col'>simulated</th><th scope='col'>book</th></tr>{rows}</table>"
        if rows else ""
    )
    return (
        f"<figure class='nbdocs-panel'><figcaption><strong>{html.escape(title)}</strong>: "
        f"{html.escape(summary)}</figcaption>"
        f"<img src='data:image/png;base64,{data}' alt='{html.escape(summary, quote=True)}'>"
        f"{table}<p class='nbdocs-note'>{_NOTE}</p></figure>"
    )


# The engine's notice that a model is being compiled (neurodyn_lab/engine.py, _CompileNotice). It
# appears when building or loading a model takes longer than a second, which depends on Brian2's
# cache and on the machine's load: it is dropped so that the build does not depend on either.
# Anything else written to stderr stays, and fails the build (nb_output_stderr = "warn").
COMPILE_NOTICES = ("neurodyn_lab: preparing the LIF model", "neurodyn_lab: model ready")


def drop_compile_notices(stream):
    """Make `stream` (the kernel's sys.stderr) drop the engine's compile notices, and only those."""
    write = stream.write
    state = {"dropped": False}

    def filtered(text):
        if text.startswith(COMPILE_NOTICES):
            state["dropped"] = True
            return len(text)
        if state["dropped"] and text == "\n":  # print() writes the line's end separately
            state["dropped"] = False
            return len(text)
        state["dropped"] = False
        return write(text)

    stream.write = filtered  # on the instance: type(sys.stderr) stays ipykernel's OutStream


def load_ipython_extension(ipython):
    import sys

    drop_compile_notices(sys.stderr)
    formatter = ipython.display_formatter.formatters["text/html"]
    # By name, so ipywidgets (and Brian2 behind the panels) are imported only by the notebook itself.
    formatter.for_type_by_name("ipywidgets.widgets.widget", "Widget", panel_html)
