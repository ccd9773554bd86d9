/*
 * The heatmap (index.html): fills the cells the build laid out, switches model and metric, filters and sorts the
 * rows, shows the per-cell tooltip, and keeps the view in the URL (?model=&metric=&q=&sort=).
 *
 * Fast for 200 modules x 25 versions x 4 models: the build writes every cell as the default view shows it (Best,
 * pass rate), so the first paint needs no script and no data. The runs behind the cells (tooltips, other models,
 * sorting) come after that paint, as <script src> files (heatmap/rows-*.js, one per CHUNK_ROWS rows): the CSP and
 * file:// rule out fetching data. The table is never rebuilt; a switch walks a flat array of cells and writes only the
 * text and class names that changed (no layout reads in the loop).
 */
(function () {
  "use strict";

  var S = window.SheetsSync;
  var data = S.readData("heatmap-data");
  var table = document.getElementById("heatmap");
  var form = document.getElementById("controls");
  if (!data || !table || !form) return;

  var models = data.models;
  var C = positions(data.cell_fields);
  var F = positions(data.run_fields);
  var METRICS = ["pass_rate", "match_rate"];

  var body = table.tBodies[0];
  var rows = [];
  var cells = [];
  var cellOf = new Map();
  var state = { model: "", metric: "pass_rate", q: "", sort: "id", descending: false };
  var ready = false; // every data script has arrived

  // ------------------------------------------------------------------ set up

  /** Field name -> position in the payload's arrays (views.CELL_FIELDS, views.RUN_FIELDS). */
  function positions(names) {
    var map = {};
    names.forEach(function (name, position) { map[name] = position; });
    return map;
  }

  /** Rows and cells from the table itself: what the build wrote is what the page shows until the data is in. */
  function collect() {
    Array.prototype.forEach.call(body.rows, function (tr, r) {
      var id = tr.querySelector(".module-id").textContent;
      var name = tr.querySelector(".module-name").textContent;
      var row = { tr: tr, id: id, name: name, data: null, position: r, search: (id + " " + name).toLowerCase(), cells: [] };
      for (var column = 1; column < tr.cells.length; column++) {
        var td = tr.cells[column];
        var cell = { td: td, value: td.firstChild, model: td.lastChild, data: null, runs: [], best: null, prefixes: null, sortValue: null };
        cell.text = cell.value.textContent;
        cell.name = cell.model.textContent;
        cell.cls = td.className;
        cell.row = row;
        cells.push(cell);
        row.cells.push(cell);
        cellOf.set(td, cell);
      }
      rows.push(row);
    });
  }

  // ------------------------------------------------------------------ the data, after the first paint

  /** Load the data scripts once the first frame is on screen; they queue their rows in SheetsSyncHeatmapRows. */
  function loadData() {
    var pending = data.chunks.length;
    if (!pending) { onReady(); return; }
    data.chunks.forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", function () {
        takeQueued();
        if (--pending === 0) onReady();
      });
      script.addEventListener("error", function () { dataFailed(src); });
      document.body.appendChild(script);
    });
  }

  function takeQueued() {
    var queue = window.SheetsSyncHeatmapRows || [];
    while (queue.length) attach(queue.shift());
  }

  /** A chunk's rows onto the table's rows (checked by id: a chunk of another build must not paint wrong cells). */
  function attach(chunk) {
    chunk.rows.forEach(function (rowData, i) {
      var row = rows[chunk.first + i];
      if (!row || row.id !== rowData.id) { dataFailed("row " + rowData.id); return; }
      row.data = rowData;
      rowData.cells.forEach(function (cellData, column) {
        var cell = row.cells[column];
        cell.data = cellData;
        cell.prefixes = chunk.url_prefixes;
        cell.runs = byModel(cellData);
        cell.best = bestRun(cell);
        if (cell.td.tabIndex !== 0) cell.td.tabIndex = -1; // focusable by the arrow keys, one tab stop
      });
    });
  }

  function onReady() {
    if (ready) return;
    ready = rows.every(function (row) { return row.data !== null; });
    if (!ready) { dataFailed("rows missing"); return; }
    render();
    if (state.sort !== "id" || state.descending) sortRows();
    table.dataset.ready = "true";
    if (performance.mark) performance.mark("heatmap-ready"); // read by bench/bench_dashboard.py
  }

  function dataFailed(what) {
    var none = document.getElementById("no-match");
    if (!none || table.dataset.failed) return;
    table.dataset.failed = "true";
    none.hidden = false;
    none.textContent = "The heatmap data did not load (" + what + "): the cells show Best pass rates only. Rebuild the site with sheets-sync dashboard.";
  }

  function byModel(cellData) {
    var runs = new Array(models.length);
    if (cellData) cellData[C.runs].forEach(function (run) { runs[run[F.model]] = run; });
    return runs;
  }

  function bestRun(cell) {
    if (!cell.data) return null;
    if (cell.data[C.best] !== null) return cell.runs[cell.data[C.best]];
    return cell.data[C.runs][0] || null; // runs without any pass rate: show "n/a", not an empty cell
  }

  // ------------------------------------------------------------------ render

  /** Update every cell in place for the current model and metric. */
  function render() {
    if (!ready) return; // the state is applied once the data is in
    var started = performance.now();
    var modelIndex = state.model === "" ? -1 : models.indexOf(state.model);
    var field = state.metric === "match_rate" ? F.match_rate : F.pass_rate;
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      var run = modelIndex < 0 ? cell.best : cell.runs[modelIndex];
      var value = run ? run[field] : null;
      var text = "";
      var cls = "cell empty";
      var name = "";
      if (run) {
        text = S.percent(value);
        cls = value === null ? "cell na" : "cell q" + S.binOf(value);
        if (modelIndex < 0) name = models[run[F.model]];
      }
      cell.sortValue = run && value !== null ? value : null;
      if (cell.text !== text) { cell.value.textContent = text; cell.text = text; }
      if (cell.name !== name) { cell.model.textContent = name; cell.name = name; }
      if (cell.cls !== cls) { cell.td.className = cls; cell.cls = cls; }
    }
    if (state.sort !== "id" && state.sort !== "name") sortRows();
    table.dataset.model = state.model;
    table.dataset.metric = state.metric;
    if (!tip.hidden) showTip(cellOf.get(shownTd));
    S.lastRenderMs = performance.now() - started;
  }

  // ------------------------------------------------------------------ filter and sort

  function applyFilter() {
    var query = state.q.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var visible = !query || row.search.indexOf(query) >= 0;
      if (row.tr.hidden === visible) row.tr.hidden = !visible;
      if (visible) shown++;
    });
    var count = document.getElementById("row-count");
    if (count) count.textContent = shown === rows.length ? rows.length + " modules" : shown + " of " + rows.length + " modules";
    var none = document.getElementById("no-match");
    if (none) {
      none.hidden = shown > 0;
      none.textContent = shown > 0 ? "" : "No module id or name contains \u201c" + state.q.trim() + "\u201d. Clear the filter to see all " + rows.length + " modules.";
    }
    if (!tip.hidden && shownTd && shownTd.parentElement.hidden) { pinned = null; hideTip(); }
    keepTabStop();
  }

  /** The table's one tab stop must stay on a visible row (filtering and sorting move rows). */
  function keepTabStop() {
    var stop = body.querySelector('td.cell[tabindex="0"]');
    if (stop && !stop.parentElement.hidden) return;
    var row = firstVisibleRow();
    if (stop) stop.tabIndex = -1;
    if (row && row.cells[1]) row.cells[1].tabIndex = 0;
  }

  function firstVisibleRow() {
    var row = body.firstElementChild;
    while (row && row.hidden) row = row.nextElementSibling;
    return row;
  }

  function sortKey(row) {
    if (state.sort === "id") return row.position;
    if (state.sort === "name") return row.name.toLowerCase();
    var column = data.versions.indexOf(state.sort);
    return column < 0 ? null : row.cells[column].sortValue;
  }

  /** Rows without a value in the sorted column go last in both directions. */
  function sortRows() {
    var keyed = rows.map(function (row) { return { row: row, key: sortKey(row) }; });
    keyed.sort(function (x, y) {
      if (x.key === null || y.key === null) {
        return x.key === y.key ? x.row.position - y.row.position : x.key === null ? 1 : -1;
      }
      var order = x.key < y.key ? -1 : x.key > y.key ? 1 : x.row.position - y.row.position;
      return state.descending ? -order : order;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row.tr); });
    body.appendChild(fragment);
    markSortedHeader();
  }

  function markSortedHeader() {
    var column = state.sort === "name" ? "id" : state.sort; // the name button lives in the module column
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
      if (th.dataset.sort === column) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    var byName = table.tHead.querySelector("[data-sort-name]");
    if (byName) byName.classList.toggle("active", state.sort === "name");
  }

  function onSortClick(event) {
    var th = event.target.closest("th[data-sort]");
    if (!ready) return;
    if (!th || !event.target.closest("button")) return;
    var key = event.target.closest("[data-sort-name]") ? "name" : th.dataset.sort;
    // Versions sort best-first on the first click; id and name alphabetically.
    var firstDescending = key !== "id" && key !== "name";
    state.descending = state.sort === key ? !state.descending : firstDescending;
    state.sort = key;
    sortRows();
    writeUrl();
  }

  // ------------------------------------------------------------------ URL

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var model = params.get("model") || "";
    if (model === "" || models.indexOf(model) >= 0) state.model = model;
    if (METRICS.indexOf(params.get("metric")) >= 0) state.metric = params.get("metric");
    state.q = params.get("q") || "";
    var sort = params.get("sort") || "id";
    var descending = sort.charAt(0) === "-";
    var key = descending ? sort.slice(1) : sort;
    if (key === "id" || key === "name" || data.versions.indexOf(key) >= 0) {
      state.sort = key;
      state.descending = descending;
    }
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (state.model) params.set("model", state.model);
    if (state.metric !== "pass_rate") params.set("metric", state.metric);
    if (state.q) params.set("q", state.q);
    if (state.sort !== "id" || state.descending) params.set("sort", (state.descending ? "-" : "") + state.sort);
    var query = params.toString();
    try {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the view still works, only the URL stays.
    }
  }

  function syncControls() {
    form.elements.model.value = state.model;
    form.elements.metric.value = state.metric;
    form.elements.q.value = state.q;
  }

  // ------------------------------------------------------------------ tooltip

  var tip = document.getElementById("tip");
  var hideTimer = null;
  var pinned = null;
  var shownTd = null;

  function showTip(cell) {
    if (!ready) return;
    clearTimeout(hideTimer);
    markTipCell(cell.td);
    tip.replaceChildren(tipContent(cell));
    tip.hidden = false;
    placeTip(cell.td);
  }

  function hideTip() {
    tip.hidden = true;
    markTipCell(null);
  }

  /** Outline the cell the tooltip describes (an attribute: render() rewrites class names). */
  function markTipCell(td) {
    if (shownTd && shownTd !== td) {
      shownTd.removeAttribute("data-tip");
      shownTd.removeAttribute("aria-describedby");
    }
    if (td) {
      td.setAttribute("data-tip", "");
      td.setAttribute("aria-describedby", "tip");
    }
    shownTd = td;
  }

  function tipContent(cell) {
    var row = cell.row;
    var fragment = document.createDocumentFragment();
    var head = S.el("div", "tip-head");
    head.appendChild(S.el("strong", null, row.id + " \u00b7 " + cell.td.dataset.version));
    head.appendChild(S.el("span", "tip-name", row.name));
    if (cell.data) head.appendChild(S.el("span", "tip-ds", "dataset " + cell.data[C.dataset_version]));
    fragment.appendChild(head);
    if (!cell.data || !cell.data[C.runs].length) {
      fragment.appendChild(S.el("p", "tip-empty", "No run of this prompt version."));
      return fragment;
    }
    fragment.appendChild(tipTable(cell));
    if (cell.data[C.best] !== null) {
      fragment.appendChild(S.el("p", "tip-foot", "\u2605 best: highest pass rate, the run \u201cBest\u201d shows"));
    }
    return fragment;
  }

  function tipTable(cell) {
    var tbl = S.el("table", "tip-table");
    var headRow = tbl.createTHead().insertRow();
    ["Model", "Pass", "Match", "n", "95% CI (pass)", "Date", "Dataset", ""].forEach(function (label) {
      headRow.appendChild(S.el("th", null, label));
    });
    var tbody = tbl.createTBody();
    var best = cell.data[C.best];
    cell.data[C.runs].forEach(function (run) {
      var tr = tbody.insertRow();
      var model = models[run[F.model]];
      if (best === run[F.model]) tr.className = "best";
      if (model === state.model) tr.className += " selected";
      // A reported run (a legacy tracker's rate, no counts) has no pass count and so no interval: say so.
      var ci = run[F.pass] === null ? "reported: no interval" :
        run[F.ci_low] === null ? "\u2014" : run[F.ci_low].toFixed(1) + "\u2013" + run[F.ci_high].toFixed(1) + "%";
      [
        model + (best === run[F.model] ? " \u2605" : ""),
        S.percent(run[F.pass_rate]),
        S.percent(run[F.match_rate]),
        run[F.total] === null ? "" : run[F.total],
        ci,
        run[F.date],
        cell.data[C.dataset_version], // every run of a cell is on its dataset version (the index's rule)
      ].forEach(function (text, column) {
        tr.appendChild(S.el("td", column > 0 && column < 5 ? "num" : null, text));
      });
      tr.appendChild(linkCell(url(cell.prefixes, run[F.braintrust_url])));
    });
    return tbl;
  }

  /** Join a [prefix position, rest] pair back into the link (views.UrlPrefixes). */
  function url(prefixes, encoded) {
    return encoded ? prefixes[encoded[0]] + encoded[1] : null;
  }

  function linkCell(link) {
    var td = S.el("td");
    var href = S.safeUrl(link);
    if (href) {
      var a = S.el("a", null, "Braintrust \u2197");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      td.appendChild(a);
    }
    return td;
  }

  function placeTip(td) {
    var box = td.getBoundingClientRect();
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = Math.min(Math.max(8, box.left + box.width / 2 - width / 2), window.innerWidth - width - 8);
    var top = box.bottom + 6;
    if (top + height > window.innerHeight - 8) top = Math.max(8, box.top - height - 6);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { if (!pinned) hideTip(); }, 250);
  }

  function wireTooltip() {
    body.addEventListener("mouseover", function (event) {
      var td = event.target.closest("td.cell");
      if (td && !pinned) showTip(cellOf.get(td));
    });
    body.addEventListener("mouseleave", hideSoon);
    tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    tip.addEventListener("mouseleave", hideSoon);
    body.addEventListener("click", function (event) {
      var td = event.target.closest("td.cell");
      if (!td) return;
      pinned = pinned === td ? null : td;
      showTip(cellOf.get(td));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { pinned = null; hideTip(); }
    });
    // Keyboard: a focused cell shows its tooltip; Enter pins it (or closes it); the arrow keys move.
    body.addEventListener("focusin", function (event) {
      var td = event.target.closest("td.cell");
      if (td && (!pinned || pinned === td)) showTip(cellOf.get(td));
    });
    body.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (!pinned && !(next && next.closest && next.closest("td.cell"))) hideSoon();
    });
    body.addEventListener("keydown", onCellKey);
  }

  function onCellKey(event) {
    var td = event.target.closest("td.cell");
    if (!td) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (pinned === td) { pinned = null; hideTip(); }
      else { pinned = td; showTip(cellOf.get(td)); }
      return;
    }
    var next = neighbour(td, event.key);
    if (!next) return;
    event.preventDefault();
    td.tabIndex = -1;
    next.tabIndex = 0;
    pinned = null;
    next.focus();
  }

  /** The cell an arrow key (or Home/End) moves to, skipping rows the filter hides. */
  function neighbour(td, key) {
    var tr = td.parentElement;
    var column = td.cellIndex;
    if (key === "ArrowLeft") return column > 1 ? tr.cells[column - 1] : null;
    if (key === "ArrowRight") return column < tr.cells.length - 1 ? tr.cells[column + 1] : null;
    if (key === "Home") return tr.cells[1];
    if (key === "End") return tr.cells[tr.cells.length - 1];
    var step = key === "ArrowUp" ? "previousElementSibling" : key === "ArrowDown" ? "nextElementSibling" : null;
    if (!step) return null;
    var row = tr[step];
    while (row && row.hidden) row = row[step];
    return row ? row.cells[column] : null;
  }

  // ------------------------------------------------------------------ start

  function wireControls() {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.elements.model.addEventListener("change", function () {
      state.model = form.elements.model.value;
      render();
      writeUrl();
    });
    form.elements.metric.addEventListener("change", function () {
      state.metric = form.elements.metric.value;
      render();
      writeUrl();
    });
    form.elements.q.addEventListener("input", function () {
      state.q = form.elements.q.value;
      applyFilter();
      writeUrl();
    });
    table.tHead.addEventListener("click", onSortClick);
  }

  function setUp() {
    collect();
    readUrl();
    syncControls();
    applyFilter();
    markSortedHeader();
    wireControls();
    wireTooltip();
    loadData();
  }

  // Nothing before the first frame: the cells the build wrote paint at once, then the page wires itself up and
  // loads the data scripts (a task queued from requestAnimationFrame runs after that frame is painted).
  requestAnimationFrame(function () { setTimeout(setUp, 0); });
})();
