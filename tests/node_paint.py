"""The shipped canvas ES module's own `paint`, run in Node on a frame the kernel sends, with a
recording 2D context: the drawing calls a test can check (tests/test_canvas_view.py,
tests/test_panel_predictions.py)."""

import base64
import json
import shutil
import subprocess

import pytest

from neurodyn_lab.panels import _canvas

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the canvas view's ES module")

#: Each call is recorded as [method, fillStyle, font, *arguments] (the style in force when it was made).
HARNESS = r"""
import { readFileSync } from "node:fs";
const [source, framePath] = process.argv.slice(2);
const { frame, arrays } = JSON.parse(readFileSync(framePath, "utf8"));
const calls = [];
const ctx = new Proxy({}, {
  get(target, name) {
    if (name in target) return target[name];
    if (name === "measureText") return (t) => ({ width: 6 * t.length });
    return (...args) => calls.push([name, target.fillStyle, target.font, ...args]);
  },
  set(target, name, value) { target[name] = value; return true; },
});
globalThis.window = { devicePixelRatio: 1 };
const canvas = { width: 0, height: 0, style: {}, getContext: () => ctx };
const views = {};
for (const [k, b64] of Object.entries(arrays)) {
  const bytes = Buffer.from(b64, "base64");
  views[k] = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
const module = await import("data:text/javascript;base64," +
  Buffer.from(readFileSync(source, "utf8") + "\nexport { paint };").toString("base64"));
module.paint(canvas, frame, views);
console.log(JSON.stringify(calls));
"""


def paint_calls(folder, frame, arrays):
    """The calls `paint` makes on a 2D context for (`frame`, `arrays`) from `_canvas.figure_frame`;
    `folder` takes the harness and the frame's file."""
    (folder / "frame.json").write_text(json.dumps(
        {"frame": frame, "arrays": {k: base64.b64encode(v).decode() for k, v in arrays.items()}}))
    (folder / "paint.mjs").write_text(HARNESS)
    out = subprocess.run(["node", str(folder / "paint.mjs"), str(_canvas.ESM_PATH), str(folder / "frame.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
