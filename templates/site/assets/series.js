// A series page's chart: uPlot draws main's runs (median line, min–max band, p95 where the tool gives it),
// budget lines and the gate's pull-request decisions; change points are marked by a draw hook. The tooltip
// follows the mouse, or the arrow keys when the chart has focus. Data: window.perfgateSeries (NAME.js) and what
// the suite's pages share, window.perfgateSuite (suites/SUITE.js).
(function () {
  "use strict";
  var d = unpack(window.perfgateSeries, window.perfgateSuite);
  var box = document.getElementById("chart");
  var tip = document.getElementById("tip");
  var runs = d.time.length;

  // One x axis for runs and decisions: run times made unique (two runs in the same second stay two points).
  var runTimes = [];
  d.time.forEach(function (t, i) {
    runTimes.push(i > 0 && t <= runTimes[i - 1] ? runTimes[i - 1] + 0.001 : t);
  });
  var xs = runTimes.concat(d.pulls.map(function (p) { return p.time; }));
  xs = Array.from(new Set(xs)).sort(function (a, b) { return a - b; });
  var slot = new Map(xs.map(function (t, i) { return [t, i]; }));
  var runAt = new Array(xs.length).fill(-1);
  runTimes.forEach(function (t, i) { runAt[slot.get(t)] = i; });
  var pullsAt = xs.map(function () { return []; });
  d.pulls.forEach(function (p) { pullsAt[slot.get(p.time)].push(p); });

  function column(values) {
    var c = new Array(xs.length).fill(null);
    values.forEach(function (v, i) { c[slot.get(runTimes[i])] = v; });
    return c;
  }
  // A decision is drawn on main's level at its time: the median of the latest run before it.
  function levelAt(t) {
    var level = d.median[0];
    for (var i = 0; i < runs && runTimes[i] <= t; i++) if (d.median[i] !== null) level = d.median[i];
    return level;
  }
  function outcomeColumn(outcome) {
    var c = new Array(xs.length).fill(null);
    d.pulls.forEach(function (p) { if (p.outcome === outcome) c[slot.get(p.time)] = levelAt(p.time); });
    return c;
  }

  function number(v) {
    if (v === null || v === undefined) return "–";
    return Number(v.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 });
  }
  function withUnit(u, v) { return v === null ? "–" : number(v) + d.suffix; }
  function range(r) { return withUnit(null, d.low[r]) + " – " + withUnit(null, d.high[r]); }
  function when(t) { return new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC"; }
  function escape(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function medianRange() {
    var values = d.median.filter(function (v) { return v !== null; });
    if (!values.length) return [0, 1];
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    d.limits.forEach(function (limit) {  // a budget line within reach of the medians stays in view
      if (limit.value <= hi * 2 && limit.value >= lo / 2) { lo = Math.min(lo, limit.value); hi = Math.max(hi, limit.value); }
    });
    var pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.05 || 1;
    return [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad];
  }

  function build() {
    var css = getComputedStyle(document.documentElement);
    function colour(name) { return css.getPropertyValue(name).trim(); }
    var ink = colour("--muted"), rule = colour("--rule");
    var none = function () { return null; };
    var series = [
      { label: "run", value: function (u, v) { return v === null ? "–" : when(v); } },
      { label: "max", stroke: "transparent", points: { show: false }, spanGaps: true },
      { label: "min", stroke: "transparent", points: { show: false }, spanGaps: true },
      {
        label: "median", stroke: colour("--line"), width: 2, spanGaps: true,
        points: { show: true, size: 5, fill: colour("--line") },
        value: withUnit,
      },
    ];
    var data = [xs, column(d.high), column(d.low), column(d.median)];
    if (d.p95) {
      series.push({ label: "p95", stroke: colour("--p95"), width: 1.5, dash: [4, 3], spanGaps: true, points: { show: false }, value: withUnit });
      data.push(column(d.p95));
    }
    d.limits.forEach(function (limit) {
      series.push({ label: limit.label, stroke: colour("--budget"), width: 1.5, dash: [8, 4], points: { show: false } });
      data.push(xs.map(function () { return limit.value; }));
    });
    // Blocked last, and largest: drawn on top of passes made at the same time.
    [["pass", "PR passed", "--pass", 7], ["waived", "PR waived", "--waived", 9], ["fail", "PR blocked", "--fail", 11]].forEach(
      function (o) {
        if (!d.pulls.some(function (p) { return p.outcome === o[0]; })) return;
        series.push({ label: o[1], stroke: colour(o[2]), paths: none, points: { show: true, size: o[3], width: 2, fill: colour("--bg") } });
        data.push(outcomeColumn(o[0]));
      }
    );

    var stepMarks = {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = colour("--step");
          ctx.fillStyle = colour("--step");
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.font = 11 * devicePixelRatio + "px system-ui, sans-serif";
          d.steps.forEach(function (s) {
            var t = (runTimes[s.index - 1] + runTimes[s.index]) / 2;
            var x = Math.round(u.valToPos(t, "x", true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(s.change, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
          });
          ctx.restore();
        },
      },
    };

    var options = {
      width: Math.max(box.clientWidth, 280),
      height: 320,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      series: series,
      bands: [{ series: [1, 2], fill: colour("--band") }],
      axes: [
        { stroke: ink, grid: { stroke: rule }, ticks: { stroke: rule } },
        {
          stroke: ink, grid: { stroke: rule }, ticks: { stroke: rule }, size: 70,
          values: function (u, splits) { return splits.map(function (v) { return number(v) + d.suffix; }); },
        },
      ],
      // The axis follows the medians (and budget lines near them): a few outlier rounds stretch a run's range
      // band to many times its median, and an axis fitted to the band would flatten every median onto it.
      scales: { x: { time: true }, y: { range: medianRange } },
      cursor: { drag: { x: true, y: false } },
      plugins: [stepMarks],
      hooks: { setCursor: [showTip] },
    };
    var made = new uPlot(options, data, box);
    if (xs.length === 1) made.setScale("x", { min: xs[0] - 86400, max: xs[0] + 86400 });  // not uPlot's span of years
    return made;
  }

  function showTip(u) {
    var i = u.cursor.idx;
    if (i === null || i === undefined || u.cursor.left < 0) { tip.style.display = "none"; return; }
    var parts = [];
    var r = runAt[i];
    if (r >= 0) {
      var commit = d.commitUrl
        ? '<a href="' + escape(d.commitUrl + d.commit[r]) + '"><code>' + escape(d.commit[r].slice(0, 12)) + "</code></a>"
        : "<code>" + escape(d.commit[r].slice(0, 12)) + "</code>";
      parts.push(
        "<b>" + escape(withUnit(null, d.median[r])) + "</b> median" +
        (d.low[r] !== null ? " (range " + escape(range(r)) + ")" : "") +
        "<br>commit " + commit + "<br>" + escape(when(d.time[r])) + " · n = " + d.n[r]
      );
    }
    pullsAt[i].forEach(function (p) {
      var word = { fail: "blocked", waived: "passed with a waiver", pass: "passed" }[p.outcome];
      parts.push("PR <b>" + escape(p.label) + "</b> " + word + (p.reason ? ": " + escape(p.reason) : "") +
        "<br>" + escape(when(p.time)));
    });
    if (!parts.length) { tip.style.display = "none"; return; }
    tip.innerHTML = parts.join("<hr>");
    tip.style.display = "block";
    // Beside the point, on whichever side has room, so the tooltip never hides the run it describes.
    var x = u.over.offsetLeft + u.valToPos(xs[i], "x");
    var y = u.over.offsetTop + (u.cursor.top || 0);
    var left = x + 14;
    if (left + tip.offsetWidth > box.parentNode.clientWidth - 4) left = x - 14 - tip.offsetWidth;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, Math.min(y - tip.offsetHeight / 2, u.over.offsetTop + u.over.clientHeight - tip.offsetHeight)) + "px";
  }

  // The table under the chart: the same runs as text, newest first (the chart's text alternative).
  function fillTable() {
    var body = document.querySelector("#data tbody");
    var rows = [];
    for (var r = runs - 1; r >= 0; r--) {
      var commit = "<code>" + escape(d.commit[r]) + "</code>";
      if (d.commitUrl) commit = '<a href="' + escape(d.commitUrl + d.commit[r]) + '">' + commit + "</a>";
      rows.push(
        "<tr><td>" + escape(when(d.time[r])) + "</td><td>" + commit + '</td><td class="num">' +
        escape(withUnit(null, d.median[r])) + '</td><td class="num">' + (d.low[r] !== null ? escape(range(r)) : "") +
        '</td><td class="num">' + d.n[r] + "</td></tr>"
      );
    }
    body.innerHTML = rows.join("");
  }
  fillTable();

  var chart = build();
  window.perfgateChart = chart;

  function rebuild() {
    chart.destroy();
    chart = build();
    window.perfgateChart = chart;
  }
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", rebuild);
  window.addEventListener("resize", function () {
    chart.setSize({ width: Math.max(box.clientWidth, 280), height: 320 });
  });

  function showAll() {
    var one = xs.length === 1 ? 86400 : 0;
    chart.setScale("x", { min: xs[0] - one, max: xs[xs.length - 1] + one });
  }
  document.getElementById("reset").addEventListener("click", showAll);
  document.getElementById("recent").addEventListener("click", function () {
    if (xs.length < 2) return showAll();
    chart.setScale("x", { min: runTimes[Math.max(0, runs - 30)], max: xs[xs.length - 1] });
  });

  // Keyboard: ←/→ step through runs (and decisions), Home/End jump, Escape hides the tooltip.
  var focused = -1;
  box.addEventListener("keydown", function (e) {
    var keys = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
    if (e.key === "Escape") { tip.style.display = "none"; return; }
    if (!(e.key in keys)) return;
    e.preventDefault();
    var step = keys[e.key];
    focused = step === -Infinity ? 0 : step === Infinity ? xs.length - 1
      : Math.max(0, Math.min(xs.length - 1, (focused < 0 ? xs.length : focused) + step));
    var y = chart.data[3][focused];
    if (y === null) y = levelAt(xs[focused]);
    chart.setCursor({ left: chart.valToPos(xs[focused], "x"), top: chart.valToPos(y, "y") });
  });

  // The data files are compact (render/site.py says how): values as integers of 10^-digits, the range and p95 as
  // offsets from the median, runs as spans of the suite's runs, sample counts run-length coded, and only the
  // decisions that blocked or waived the series. Unpacked here into one array per column, a run an entry.
  function unpack(series, suite) {
    var runs = [];
    series.runs.forEach(function (span) { for (var i = 0; i < span[1]; i++) runs.push(span[0] + i); });
    var digits = series.digits;
    function value(v) { return v === null ? null : digits >= 0 ? v / Math.pow(10, digits) : v * Math.pow(10, -digits); }
    function offset(sign, base) {
      return function (v, i) { return v === null || base[i] === null ? null : value(base[i] + sign * v); };
    }
    var counts = [];
    series.n.forEach(function (pair) { for (var i = 0; i < pair[1]; i++) counts.push(pair[0]); });
    var said = new Map(series.pulls.map(function (p) { return [p[0], p]; }));
    var pulls = [];
    for (var k = series.pullsFrom; k < suite.pulls.length; k++) {
      var p = said.get(k);
      pulls.push({ time: suite.pulls[k].time, label: suite.pulls[k].label, outcome: p ? p[1] : "pass", reason: p ? p[2] : null });
    }
    return {
      label: series.label,
      suffix: series.suffix,
      time: runs.map(function (r) { return suite.time[r]; }),
      commit: runs.map(function (r) { return suite.commit[r]; }),
      median: series.median.map(value),
      low: series.low.map(offset(-1, series.median)),
      high: series.high.map(offset(1, series.median)),
      p95: series.p95 ? series.p95.map(offset(1, series.median)) : null,
      n: counts,
      steps: series.steps,
      limits: series.limits,
      pulls: pulls,
      commitUrl: suite.commitUrl,
    };
  }
})();
