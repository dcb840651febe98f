// neurodyn_lab's browser-drawn panel view (an anywidget ES module; see neurodyn_lab/panels/_canvas.py).
//
// The kernel sends a *frame*: the figure's axes (position, limits, scales, ticks, labels, title),
// its lines (colour, width, dash, marker) and legend, as JSON, and the lines' data as float32
// binary buffers, one DataView per array: the x data in `grid` (the time grid, sent again only
// when it changes) and the rest in `arrays`. This module paints them on one <canvas> in the next
// animation frame: several frames arriving within one display frame cost one paint.
//
// Own drawer, no chart library: the panels draw lines, dots, markers and reference lines on
// linear or logarithmic axes, about 250 lines of Canvas 2D, nothing to build or to keep up to date.
//
// A series marked "drag" (a student's prediction points while a panel asks for them) can be dragged
// up and down with the mouse, a pen or a finger; when a point is let go, the widget's `dragged`
// trait is set to {axes, index, y (data units), seq}, and the kernel takes it from there. From the
// keyboard: the canvas takes focus (Tab), Left and Right choose a point (a ring marks it), Up and
// Down move it by 1/40 of the axes' height (with Shift 1/200), each move sent at once.
//
// Every paint sets the canvas's aria-label (the plot's text alternative, from the kernel),
// `data-seq` (the frame's number) and `data-paints`, and dispatches a bubbling
// "neurodyn-lab-paint" event, which the browser tests and benchmarks listen to.

const FONT = "DejaVu Sans, Verdana, Arial, sans-serif";
const floats = new WeakMap(); // DataView -> Float32Array (a copy: the view may be unaligned)

function values(frame, arrays, ref) {
  if (ref === null || ref === undefined) return null;
  if (Array.isArray(ref)) return ref.map((x) => (x === null ? NaN : x));
  const view = arrays ? arrays[ref] : null;
  if (!view) return null;
  let out = floats.get(view);
  if (!out) {
    out = new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    floats.set(view, out);
  }
  return out;
}

function scaler(limits, log, from, to) {
  const f = log ? (v) => (v > 0 ? Math.log10(v) : NaN) : (v) => v;
  const a = f(limits[0]);
  const b = f(limits[1]);
  const k = (to - from) / (b - a || 1);
  return (v) => from + (f(v) - a) * k;
}

function dashes(style, lw) {
  // matplotlib's patterns, scaled by the line width as matplotlib does (lines.scale_dashes).
  if (style === "--") return [3.7 * lw, 1.6 * lw];
  if (style === ":") return [1 * lw, 1.65 * lw];
  if (style === "-.") return [6.4 * lw, 1.6 * lw, 1 * lw, 1.6 * lw];
  return [];
}

function marker(ctx, kind, x, y, r) {
  ctx.beginPath();
  if (kind === "v") {
    ctx.moveTo(x - r, y - r * 0.85);
    ctx.lineTo(x + r, y - r * 0.85);
    ctx.lineTo(x, y + r * 0.85);
    ctx.closePath();
  } else if (kind === "^") {
    ctx.moveTo(x - r, y + r * 0.85);
    ctx.lineTo(x + r, y + r * 0.85);
    ctx.lineTo(x, y - r * 0.85);
    ctx.closePath();
  } else if (kind === "s") {
    ctx.rect(x - r, y - r, 2 * r, 2 * r);
  } else if (kind === "D") {
    // matplotlib's diamond: a square turned by 45 degrees (a student's prediction).
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fill();
}

function drawSeries(ctx, s, box, sx, sy, px, frame, arrays, moved) {
  const xs = values(frame, arrays, s.x);
  let ys = values(frame, arrays, s.y);
  if (s.drag && moved) {
    ys = Array.from(ys);
    ys[moved.index] = moved.y;
  }
  if (!xs || !ys) return;
  const n = Math.min(xs.length, ys.length);
  // coords: "data" (x and y in data units), "xaxis" (x data, y a fraction of the axes' height),
  // "yaxis" (x a fraction of the axes' width, y data): matplotlib's axvline/axhline and markers.
  const X = s.coords === "yaxis" ? (v) => box.L + v * (box.R - box.L) : sx;
  const Y = s.coords === "xaxis" ? (v) => box.B - v * (box.B - box.T) : sy;
  ctx.strokeStyle = s.color;
  ctx.fillStyle = s.color;
  if (s.ls && s.ls !== "None" && s.ls !== "none" && s.lw > 0) {
    ctx.lineWidth = s.lw * px;
    ctx.setLineDash(dashes(s.ls, s.lw * px));
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < n; i++) {
      const x = X(xs[i]);
      const y = Y(ys[i]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (s.marker && s.marker !== "None" && s.marker !== "none" && s.marker !== "") {
    const r = (s.ms * px) / 2;
    for (let i = 0; i < n; i++) {
      const x = X(xs[i]);
      const y = Y(ys[i]);
      if (Number.isFinite(x) && Number.isFinite(y)) marker(ctx, s.marker, x, y, r);
    }
  }
}

function inverse(limits, log, from, to) {
  // Pixel -> data value: the inverse of `scaler`.
  const f = log ? (v) => Math.log10(v) : (v) => v;
  const a = f(limits[0]);
  const b = f(limits[1]);
  return (p) => {
    const v = a + ((p - from) * (b - a)) / (to - from || 1);
    return log ? 10 ** v : v;
  };
}

function drawAxes(ctx, ax, frame, arrays, W, H, px, hits, index, moved) {
  const box = { L: ax.box[0] * W, R: ax.box[2] * W, T: (1 - ax.box[3]) * H, B: (1 - ax.box[1]) * H };
  const sx = scaler(ax.xlim, ax.xscale === "log", box.L, box.R);
  const sy = scaler(ax.ylim, ax.yscale === "log", box.B, box.T);
  const tickFont = `${10 * px}px ${FONT}`;

  // Grid (behind the data), as matplotlib's grid(lw=0.4, alpha=0.5).
  ctx.save();
  ctx.strokeStyle = "rgba(176,176,176,0.5)";
  ctx.lineWidth = 0.4 * px;
  ctx.beginPath();
  for (const x of ax.xgrid) { const X = Math.round(sx(x)) + 0.5; ctx.moveTo(X, box.T); ctx.lineTo(X, box.B); }
  for (const y of ax.ygrid) { const Y = Math.round(sy(y)) + 0.5; ctx.moveTo(box.L, Y); ctx.lineTo(box.R, Y); }
  ctx.stroke();

  // Data, clipped to the axes.
  ctx.beginPath();
  ctx.rect(box.L, box.T, box.R - box.L, box.B - box.T);
  ctx.clip();
  ctx.lineJoin = "round";
  ctx.lineCap = "butt";
  for (const s of ax.series) {
    const mine = moved && moved.axes === index ? moved : null;
    drawSeries(ctx, s, box, sx, sy, px, frame, arrays, mine);
    if (s.drag && hits) {
      hits.push({ axes: index, box, sx, sy, iy: inverse(ax.ylim, ax.yscale === "log", box.B, box.T),
                  xs: values(frame, arrays, s.x), ys: values(frame, arrays, s.y) });
    }
  }
  ctx.restore();

  // Spines, ticks and their labels.
  ctx.strokeStyle = "#000";
  ctx.fillStyle = "#000";
  ctx.lineWidth = 0.8 * px;
  ctx.strokeRect(box.L, box.T, box.R - box.L, box.B - box.T);
  const tick = 3.5 * px;
  ctx.beginPath();
  for (const [x] of ax.xticks) { const X = Math.round(sx(x)) + 0.5; ctx.moveTo(X, box.B); ctx.lineTo(X, box.B + tick); }
  for (const [y] of ax.yticks) { const Y = Math.round(sy(y)) + 0.5; ctx.moveTo(box.L, Y); ctx.lineTo(box.L - tick, Y); }
  ctx.stroke();
  ctx.font = tickFont;
  let labelWidth = 0;
  if (ax.xticklabels) {
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const [x, text] of ax.xticks) ctx.fillText(text, sx(x), box.B + tick + 3.5 * px);
  }
  if (ax.yticklabels) {
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const [y, text] of ax.yticks) {
      ctx.fillText(text, box.L - tick - 3.5 * px, sy(y));
      labelWidth = Math.max(labelWidth, ctx.measureText(text).width);
    }
  }
  if (ax.xlabel) {
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const below = ax.xticklabels ? 10 * px * 1.2 + 3.5 * px : 0;
    ctx.fillText(ax.xlabel, (box.L + box.R) / 2, box.B + tick + 3.5 * px + below + 2 * px);
  }
  if (ax.ylabel) {
    ctx.save();
    ctx.translate(box.L - tick - 3.5 * px - labelWidth - 4 * px, (box.T + box.B) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(ax.ylabel, 0, 0);
    ctx.restore();
  }
  if (ax.title) {
    // matplotlib's title: centred, its baseline `titlepad` points above the axes.
    ctx.font = `${(ax.titlesize || 12) * px}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    ctx.fillText(ax.title, (box.L + box.R) / 2, box.T - (ax.titlepad ?? 6) * px);
  }
  if (ax.legend && ax.legend.length) drawLegend(ctx, ax.legend, box, px);
}

function drawLegend(ctx, entries, box, px) {
  // One row above the axes, as the panels' matplotlib legend (loc "lower left" at (0, 1)).
  const size = 10 * px * 0.833; // fontsize "small"
  ctx.font = `${size}px ${FONT}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const y = box.T - 0.2 * size - size * 0.7;
  let x = box.L + 0.4 * size;
  for (const e of entries) {
    const handle = 1.8 * size;
    ctx.strokeStyle = e.color;
    ctx.fillStyle = e.color;
    if (e.ls && e.ls !== "None" && e.ls !== "none" && e.lw > 0) {
      ctx.lineWidth = e.lw * px;
      ctx.setLineDash(dashes(e.ls, e.lw * px));
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + handle, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (e.marker && e.marker !== "None" && e.marker !== "none" && e.marker !== "") {
      marker(ctx, e.marker, x + handle / 2, y, (e.ms * px) / 2);
    }
    ctx.fillStyle = "#000";
    ctx.fillText(e.label, x + handle + 0.8 * size, y);
    x += handle + 0.8 * size + ctx.measureText(e.label).width + 1.2 * size;
  }
}

function paint(canvas, frame, arrays, hits, moved) {
  const W = frame.width;
  const H = frame.height;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.width = `${W}px`;
    canvas.style.height = `${H}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  const px = (frame.dpi || 72) / 72; // pixels per point
  (frame.axes || []).forEach((ax, i) => drawAxes(ctx, ax, frame, arrays, W, H, px, hits, i, moved));
}

// The draggable point within `reach` pixels of (x, y), nearest first, or null.
function pick(hits, x, y, reach) {
  let best = null;
  for (const h of hits) {
    for (let i = 0; i < Math.min(h.xs.length, h.ys.length); i++) {
      const d = Math.hypot(h.sx(h.xs[i]) - x, h.sy(h.ys[i]) - y);
      if (d <= reach && (!best || d < best.d)) best = { d, hit: h, index: i };
    }
  }
  return best;
}

// Notebook 7 handles its keyboard shortcuts before the page's elements see the keys (JupyterLab
// after them), and in command mode it binds the arrow keys to moving between cells: a focused
// slider handle never gets them. Lumino skips its shortcuts for a target marked
// data-lm-suppress-shortcuts, so the panel's slider handles are marked when they get focus.
function keepArrowKeysOnSliders(el) {
  const panel = el.closest(".neurodyn-lab-panel");
  if (!panel || panel.dataset.ndlKeys) return;
  panel.dataset.ndlKeys = "1";
  panel.addEventListener("focusin", (event) => {
    const target = event.target;
    if (target && target.classList && target.classList.contains("noUi-handle")) {
      target.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  });
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.className = "neurodyn-lab-canvas";
  el.appendChild(canvas);
  let queued = false;
  let paints = 0;
  let hits = [];
  let drag = null; // {hit, index, y} while a point is held
  let held = null; // the point let go of, shown where it was dropped until the kernel's next frame
  let sent = 0;
  let selected = 0; // the point the keyboard moves
  let focused = false;
  // Every draggable point, left to right as drawn: {hit, index}.
  const choosable = () => hits.flatMap((hit) => Array.from({ length: Math.min(hit.xs.length, hit.ys.length) },
                                                           (_, index) => ({ hit, index })));
  const ring = (point, moved) => {
    const ctx = canvas.getContext("2d");
    const same = moved && moved.axes === point.hit.axes && moved.index === point.index;
    const y = same ? moved.y : point.hit.ys[point.index];
    ctx.save();
    ctx.strokeStyle = "#1a73e8";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(point.hit.sx(point.hit.xs[point.index]), point.hit.sy(y), 9, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.restore();
  };
  const send = (hit, index, y) => {
    sent += 1;
    model.set("dragged", { axes: hit.axes, index, y, seq: sent });
    model.save_changes();
    held = { hit, index, y };
  };
  const draw = () => {
    queued = false;
    const frame = model.get("frame");
    if (!frame || !frame.axes) return;
    hits = [];
    const last = drag || held;
    const moved = last ? { axes: last.hit.axes, index: last.index, y: last.y } : null;
    paint(canvas, frame, { ...(model.get("grid") || {}), ...(model.get("arrays") || {}) }, hits, moved);
    canvas.style.cursor = hits.length ? "ns-resize" : "";
    const points = choosable();
    if (points.length) {
      canvas.setAttribute("tabindex", "0");
      canvas.setAttribute("data-lm-suppress-shortcuts", "true"); // the arrow keys are ours while focused
      selected = Math.min(selected, points.length - 1);
      if (focused) ring(points[selected], moved);
    } else {
      canvas.removeAttribute("tabindex");
    }
    paints += 1;
    keepArrowKeysOnSliders(el);
    const keys = points.length ? " Keyboard: Left and Right choose a point, Up and Down move it." : "";
    canvas.setAttribute("aria-label", (frame.label || "plot") + keys);
    canvas.dataset.seq = String(frame.seq);
    canvas.dataset.paints = String(paints);
    canvas.dispatchEvent(new CustomEvent("neurodyn-lab-paint", { bubbles: true, detail: { seq: frame.seq } }));
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(draw);
  };
  // Dragging a prediction point: up and down only, inside its axes.
  const where = (event) => {
    const r = canvas.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  };
  const down = (event) => {
    if (!hits.length) return;
    const [x, y] = where(event);
    const found = pick(hits, x, y, 12);
    if (!found) return;
    drag = { hit: found.hit, index: found.index, y: found.hit.ys[found.index] };
    if (canvas.setPointerCapture && event.pointerId !== undefined) canvas.setPointerCapture(event.pointerId);
    event.preventDefault();
  };
  const move = (event) => {
    if (!drag) return;
    const [, y] = where(event);
    const box = drag.hit.box;
    drag.y = drag.hit.iy(Math.min(Math.max(y, box.T), box.B));
    schedule();
    event.preventDefault();
  };
  const up = (event) => {
    if (!drag) return;
    move(event);
    send(drag.hit, drag.index, drag.y);
    drag = null;
  };
  const key = (event) => {
    const points = choosable();
    if (!points.length) return;
    const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    const lift = { ArrowUp: 1, ArrowDown: -1 }[event.key];
    if (step) {
      selected = Math.min(Math.max(selected + step, 0), points.length - 1);
    } else if (lift) {
      const { hit, index } = points[selected];
      const now = held && held.hit.axes === hit.axes && held.index === index ? held.y : hit.ys[index];
      const low = hit.iy(hit.box.B);
      const high = hit.iy(hit.box.T);
      const y = Math.min(Math.max(now + (lift * (high - low)) / (event.shiftKey ? 200 : 40), low), high);
      send(hit, index, y);
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    schedule();
  };
  canvas.addEventListener("keydown", key);
  canvas.addEventListener("focus", () => { focused = true; schedule(); });
  canvas.addEventListener("blur", () => { focused = false; schedule(); });
  canvas.addEventListener("pointerdown", down);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", () => { drag = null; schedule(); });
  const fresh = () => {
    held = null;
    schedule();
  };
  model.on("change:frame", fresh);
  model.on("change:arrays", schedule);
  model.on("change:grid", schedule);
  schedule();
  return () => {
    model.off("change:frame", fresh);
    model.off("change:arrays", schedule);
    model.off("change:grid", schedule);
  };
}

export default { render };
