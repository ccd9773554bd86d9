/*
 * A module page (modules/<id>.html): sortable tables and the Diff view.
 *
 * The Diff view compares any two experiments of the module. Precomputing every pair in Python would inline
 * thousands of comparisons, so the page carries the experiments' counts and computes a pair the way
 * sheets_sync/dashboard/compare.py does (see common.js for the statistics); the strings match `sheets-sync diff`.
 */
(function () {
  "use strict";

  var S = window.SheetsSync;

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), S.makeSortable);
  wireChartPoints();

  var data = S.readData("module-data");
  var view = document.getElementById("diff");
  if (!data || !view) return;

  var experiments = new Map(data.experiments.map(function (e) { return [e.id, e]; }));
  var versionRank = new Map(Object.entries(data.version_rank));
  var selectA = document.getElementById("diff-a");
  var selectB = document.getElementById("diff-b");
  var HEADERS = { metric: "Metric", a: "A", b: "B", delta: "\u0394 (B \u2212 A)", interval: "95% CI of \u0394", p: "p", verdict: "Verdict" };

  // ------------------------------------------------------------------ compare (port of compare.compare)

  function rubricCount(experiment, rubric) {
    var counts = rubric ? S.own(experiment.rubrics, rubric) : undefined;
    return counts ? counts : null;
  }

  function change(kind, name, a, b, aReported, bReported) {
    var test = a && b ? S.twoProportionTest(a[0], a[1], b[0], b[1], data.alpha) : null;
    return { kind: kind, name: name, a: a, b: b, test: test, aReported: aReported, bReported: bReported };
  }

  /** compare._reported: a reported run's stated rate where it has no count (else null). */
  function reported(experiment, count, rateName) {
    return experiment.reported && !count ? experiment[rateName] : null;
  }

  function isReported(value) {
    return value !== null && value !== undefined;
  }

  function label(row) {
    if (row.kind === "pass_rate") return "pass rate";
    if (row.kind === "match_rate") return row.name ? "match rate (" + row.name + ")" : "match rate";
    return row.name;
  }

  function compareRuns(a, b) {
    var rows = [
      change("pass_rate", "", a.reported ? null : [a.pass, a.total], b.reported ? null : [b.pass, b.total],
        reported(a, null, "pass_rate"), reported(b, null, "pass_rate")),
      change("match_rate", b.primary || a.primary || "", rubricCount(a, a.primary), rubricCount(b, b.primary),
        reported(a, rubricCount(a, a.primary), "match_rate"), reported(b, rubricCount(b, b.primary), "match_rate")),
    ];
    data.rubric_order.forEach(function (name) {
      if (S.own(a.rubrics, name) || S.own(b.rubrics, name)) {
        rows.push(change("rubric", name, rubricCount(a, name), rubricCount(b, name)));
      }
    });
    return { rows: rows, applied: appliedBetween(a.version, b.version), warnings: warnings(a, b) };
  }

  function appliedBetween(versionA, versionB) {
    var low = Math.min(versionRank.get(versionA), versionRank.get(versionB));
    var high = Math.max(versionRank.get(versionA), versionRank.get(versionB));
    return data.suggestions.filter(function (s) {
      if (!s.applied_in || !versionRank.has(s.applied_in)) return false;
      var rank = versionRank.get(s.applied_in);
      return low < rank && rank <= high;
    });
  }

  function warnings(a, b) {
    var list = [];
    if (a.id === b.id) list.push("A and B are the same experiment (" + a.id + "): there is nothing to compare");
    if (a.dataset_version !== b.dataset_version) {
      list.push("dataset versions differ (A: " + a.dataset_version + ", B: " + b.dataset_version +
        "): the runs are not comparable");
    }
    [["A", a], ["B", b]].forEach(function (side) {
      if (side[1].reported) {
        list.push(side[0] + " (" + side[1].id + ") has reported rates, not counts: the pass rate cannot be tested");
      }
    });
    if ((a.primary || null) !== (b.primary || null)) {
      list.push("primary rubrics differ (A: " + (a.primary || "none") + ", B: " + (b.primary || "none") +
        "): the match rates measure different things");
    }
    return list;
  }

  /** RateChange.borderline: the test and the interval disagree about the change. */
  function borderline(test) {
    if (!test) return false;
    return test.significant !== (test.low > 0 || test.high < 0);
  }

  /** compare.borderline_note */
  function borderlineNote(texts, test) {
    if (test.significant) {
      return texts.metric + ": " + texts.verdict + " by the test (p " + texts.p + "), but the 95% interval " +
        texts.interval + " includes 0: borderline";
    }
    return texts.metric + ": not significant by the test (p " + texts.p + "), but the 95% interval " +
      texts.interval + " excludes 0: borderline";
  }

  function rowTexts(row) {
    return {
      metric: label(row),
      a: S.fmtCount(row.a, row.aReported),
      b: S.fmtCount(row.b, row.bReported),
      delta: S.fmtDelta(row.test),
      interval: S.fmtInterval(row.test),
      p: S.fmtP(row.test),
      verdict: S.verdict(row.test, isReported(row.aReported) || isReported(row.bReported)),
    };
  }

  // ------------------------------------------------------------------ render

  function render() {
    var a = experiments.get(selectA.value);
    var b = experiments.get(selectB.value);
    if (!a || !b) return;
    var result = compareRuns(a, b);
    renderWarnings(result.warnings);
    renderRows(result.rows);
    renderNotes(result.rows);
    renderApplied(result.applied, a, b);
    document.getElementById("diff-cli").textContent =
      "sheets-sync diff " + data.module_id + " " + a.id + " " + b.id;
    view.dataset.a = a.id;
    view.dataset.b = b.id;
  }

  // ------------------------------------------------------------------ the pair in the URL (?a=<id>&b=<id>)

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    ["a", "b"].forEach(function (side) {
      var id = params.get(side);
      var select = side === "a" ? selectA : selectB;
      if (id && experiments.has(id)) select.value = id;
    });
  }

  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    params.set("a", selectA.value);
    params.set("b", selectB.value);
    try {
      window.history.replaceState(null, "", window.location.pathname + "?" + params.toString() + window.location.hash);
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the view still works, only the URL stays.
    }
  }

  function choose() {
    render();
    writeUrl();
  }

  function renderWarnings(list) {
    var box = document.getElementById("diff-warnings");
    box.replaceChildren();
    list.forEach(function (text) { box.appendChild(S.el("p", "warning", "\u26a0 " + text)); });
  }

  function renderRows(rows) {
    var body = document.getElementById("diff-table").tBodies[0];
    body.replaceChildren();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      var texts = rowTexts(row);
      tr.className = "kind-" + row.kind + (texts.verdict === "significant drop" ? " regression" : "") +
        (texts.verdict === "significant rise" ? " improvement" : "") + (borderline(row.test) ? " borderline" : "");
      tr.dataset.kind = row.kind;
      tr.dataset.name = row.name;
      Object.keys(texts).forEach(function (key) {
        var td = S.el(key === "metric" ? "th" : "td", "col-" + key, texts[key]);
        td.dataset.col = key;
        td.dataset.label = HEADERS[key]; // shown before the value when a phone stacks the row
        tr.appendChild(td);
      });
    });
  }

  /** Comparison.notes: the pass rate and the rubrics (the match rate is its rubric's row). */
  function renderNotes(rows) {
    var box = document.getElementById("diff-notes");
    box.replaceChildren();
    rows.forEach(function (row) {
      if (row.kind === "match_rate" || !borderline(row.test)) return;
      box.appendChild(S.el("p", "borderline-note", "\u2020 " + borderlineNote(rowTexts(row), row.test)));
    });
  }

  function renderApplied(list, a, b) {
    var box = document.getElementById("diff-suggestions");
    box.replaceChildren();
    if (a.version === b.version) return;
    var low = versionRank.get(a.version) <= versionRank.get(b.version) ? a.version : b.version;
    var high = low === a.version ? b.version : a.version;
    box.appendChild(S.el("h3", null, "Suggestions applied after " + low + ", up to " + high));
    if (!list.length) {
      box.appendChild(S.el("p", "muted", "None recorded."));
      return;
    }
    var ul = S.el("ul", "applied-list");
    list.forEach(function (s) {
      var li = S.el("li");
      li.appendChild(S.el("span", "sid", s.id));
      li.appendChild(S.el("span", "badge applied-in", "applied in " + s.applied_in));
      if (s.priority) li.appendChild(S.el("span", "badge prio-" + s.priority, s.priority));
      if (s.rubric) li.appendChild(S.el("span", "rubric", s.rubric));
      li.appendChild(S.el("span", "text", s.suggestion || s.issue));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  view.dataset.ready = "true";
  if (!selectA || !selectB) return; // fewer than two experiments: nothing to compare, the page says so

  selectA.addEventListener("change", choose);
  selectB.addEventListener("change", choose);
  document.getElementById("diff-swap").addEventListener("click", function () {
    var a = selectA.value;
    selectA.value = selectB.value;
    selectB.value = a;
    choose();
  });
  readUrl();
  render();

  // ------------------------------------------------------------------ chart points: keyboard and tooltip

  /**
   * Each chart is one tab stop: its first point. The arrow keys move between its points; a focused point shows
   * its tooltip (the same text as the mouse's hover title), Enter shows it again, Escape closes it.
   */
  function wireChartPoints() {
    var tip = document.getElementById("chart-tip");
    Array.prototype.forEach.call(document.querySelectorAll("svg.chart-svg"), function (svg) {
      var points = Array.prototype.slice.call(svg.querySelectorAll(".marker"));
      if (points.length) points[0].setAttribute("tabindex", "0");
      svg.addEventListener("keydown", function (event) {
        var at = points.indexOf(event.target);
        if (at < 0) return;
        if (event.key === "Escape") { hide(); return; }
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); show(event.target); return; }
        var to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: points.length - 1 }[event.key];
        if (to === undefined || to < 0 || to >= points.length) return;
        event.preventDefault();
        points[at].setAttribute("tabindex", "-1");
        points[to].setAttribute("tabindex", "0");
        points[to].focus();
      });
      svg.addEventListener("focusin", function (event) { if (points.indexOf(event.target) >= 0) show(event.target); });
      svg.addEventListener("focusout", hide);
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });

    function show(point) {
      if (!tip) return;
      tip.textContent = point.getAttribute("aria-label");
      tip.hidden = false;
      point.setAttribute("aria-describedby", "chart-tip");
      var box = point.getBoundingClientRect();
      var left = Math.min(Math.max(8, box.left + box.width / 2 - tip.offsetWidth / 2), window.innerWidth - tip.offsetWidth - 8);
      var top = box.top - tip.offsetHeight - 8;
      tip.style.left = left + "px";
      tip.style.top = (top < 8 ? box.bottom + 8 : top) + "px";
    }

    function hide() {
      if (tip) tip.hidden = true;
    }
  }
})();
