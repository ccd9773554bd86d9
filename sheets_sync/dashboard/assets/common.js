/*
 * sheets-sync dashboard: helpers shared by every page. Plain JavaScript, no dependencies, no network: the pages
 * also work opened from disk (file://).
 *
 * The statistics and the text formatting are a port of sheets_sync/stats.py and sheets_sync/dashboard/compare.py:
 * the page must print the very numbers `sheets-sync diff` prints, so the arithmetic follows the Python operation
 * by operation, and pyRound() rounds like Python's round(). tests/dashboard checks the two against each other.
 */
(function () {
  "use strict";

  var Z_95 = 1.959963984540054;
  var DASH = "\u2014";

  /** The JSON a page inlined in <script type="application/json" id="...">. */
  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  /** An own-property lookup: data keys such as "constructor" or "__proto__" must not reach Object.prototype. */
  function own(object, key) {
    return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  /**
   * Python's round(x, digits): the exact binary value rounded to `digits` decimals, exact ties to even.
   * toFixed() rounds the exact value too but sends ties up; a tie is exactly x = odd / 2^(digits+1).
   */
  function pyRound(x, digits) {
    var scaled = x * Math.pow(2, digits + 1);
    if (Number.isInteger(scaled) && Math.abs(scaled % 2) === 1) {
      var tenths = x * Math.pow(10, digits);
      var low = Math.floor(tenths);
      return (low % 2 === 0 ? low : low + 1) / Math.pow(10, digits);
    }
    return Number(x.toFixed(digits));
  }

  /** models.rate: 100 * passed / total rounded half-up to one decimal, in exact integer arithmetic; null for 0. */
  function rate(passed, total) {
    if (total === 0) return null;
    return Math.floor((2000 * passed + total) / (2 * total)) / 10;
  }

  /** stats.wilson_interval_raw: the Wilson score interval as fractions. */
  function wilsonRaw(passed, total) {
    var z = Z_95;
    var p = passed / total;
    var denominator = 1 + (z * z) / total;
    var centre = (p + (z * z) / (2 * total)) / denominator;
    var half = (z * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total))) / denominator;
    return [Math.max(0, centre - half), Math.min(1, centre + half)];
  }

  /**
   * erf by its all-positive series, erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)):
   * no cancellation, so 1 - erf(x) is right to ~1e-15 absolute, which is all a p-value shown to 4 decimals needs.
   */
  function erfc(x) {
    if (x < 0) return 2 - erfc(-x);
    if (x >= 6) return 0;
    var term = x;
    var sum = x;
    for (var n = 1; n < 1000; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }

  function square(x) {
    return x * x;
  }

  /** stats.two_proportion_test: pooled z-test, Newcombe interval for B - A, in percentage points. */
  function twoProportionTest(passA, totalA, passB, totalB, alpha) {
    if (alpha === undefined) alpha = 0.05;
    if (totalA <= 0 || totalB <= 0) return null;
    var pA = passA / totalA;
    var pB = passB / totalB;
    var pooled = (passA + passB) / (totalA + totalB);
    var se = Math.sqrt(pooled * (1 - pooled) * (1 / totalA + 1 / totalB));
    var z = se === 0 ? 0 : (pB - pA) / se;
    var pValue = se === 0 ? 1 : erfc(Math.abs(z) / Math.sqrt(2));
    var a = wilsonRaw(passA, totalA);
    var b = wilsonRaw(passB, totalB);
    var d = pB - pA;
    var low = d - Math.sqrt(square(pB - b[0]) + square(a[1] - pA));
    var high = d + Math.sqrt(square(b[1] - pB) + square(pA - a[0]));
    return {
      delta: pyRound(d * 100, 1),
      low: pyRound(low * 100, 1),
      high: pyRound(high * 100, 1),
      z: pyRound(z, 3),
      p_value: pyRound(pValue, 4),
      significant: pValue < alpha,
    };
  }

  // ------------------------------------------------------------------ text, as compare.py prints it

  function fmtCount(count, reported) {
    if (!count && reported !== null && reported !== undefined) return reported.toFixed(1) + "% reported";
    if (!count) return DASH;
    var value = rate(count[0], count[1]);
    return (value === null ? "n/a" : value.toFixed(1) + "%") + " (" + count[0] + "/" + count[1] + ")";
  }

  function fmtSigned(value) {
    if (value === 0) return "0.0";
    return (value > 0 ? "+" : "-") + Math.abs(value).toFixed(1);
  }

  function fmtDelta(test) {
    return test ? fmtSigned(test.delta) + " pp" : DASH;
  }

  function fmtInterval(test) {
    return test ? "[" + fmtSigned(test.low) + ", " + fmtSigned(test.high) + "]" : DASH;
  }

  function fmtP(test) {
    if (!test) return DASH;
    return test.p_value < 0.0001 ? "<0.0001" : test.p_value.toFixed(4);
  }

  function verdict(test, reported) {
    if (!test && reported) return "cannot test: reported rate";
    if (!test) return "not comparable";
    if (test.significant && test.delta < 0) return "significant drop";
    if (test.significant && test.delta > 0) return "significant rise";
    return "not significant";
  }

  function percent(value) {
    return value === null || value === undefined ? "n/a" : value.toFixed(1) + "%";
  }

  /** Colour class q0..q9 of a percentage (views.rate_bin). */
  function binOf(value) {
    return Math.min(9, Math.max(0, Math.floor(value / 10)));
  }

  /** Only http(s) links become hrefs (views.safe_url). */
  function safeUrl(url) {
    return typeof url === "string" && /^\s*https?:\/\//i.test(url) ? url.trim() : null;
  }

  /** A DOM element with text content only: data never goes through innerHTML. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ------------------------------------------------------------------ sortable tables

  /**
   * Click a column header's button to sort the rows by that column (again to reverse). Cells may carry
   * data-sort (a number for data-type="num" columns); otherwise their text is compared.
   */
  function makeSortable(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortRows(table.tBodies[0], column, th.dataset.type === "num", descending);
      });
    });
  }

  function sortRows(body, column, numeric, descending) {
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, position) {
      var cell = row.cells[column];
      var raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      return { row: row, key: numeric ? parseFloat(raw) : raw.toLowerCase(), position: position };
    });
    keyed.sort(function (x, y) {
      var missingX = numeric && isNaN(x.key);
      var missingY = numeric && isNaN(y.key);
      if (missingX || missingY) return missingX === missingY ? x.position - y.position : missingX ? 1 : -1;
      var order = x.key < y.key ? -1 : x.key > y.key ? 1 : x.position - y.position;
      return descending ? -order : order;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  /** A "scroll sideways" hint (shown on phones by style.css) stays only above a region that does scroll. */
  function markScrollHints() {
    Array.prototype.forEach.call(document.querySelectorAll(".scroll-hint"), function (hint) {
      var region = hint.nextElementSibling;
      if (region) hint.classList.toggle("not-needed", region.scrollWidth <= region.clientWidth + 1);
    });
  }
  // After "load", not before the first paint: reading scrollWidth lays the page out.
  window.addEventListener("load", markScrollHints);
  window.addEventListener("resize", markScrollHints);

  window.SheetsSync = {
    readData: readData,
    own: own,
    pyRound: pyRound,
    rate: rate,
    wilsonRaw: wilsonRaw,
    erfc: erfc,
    twoProportionTest: twoProportionTest,
    fmtCount: fmtCount,
    fmtSigned: fmtSigned,
    fmtDelta: fmtDelta,
    fmtInterval: fmtInterval,
    fmtP: fmtP,
    verdict: verdict,
    percent: percent,
    binOf: binOf,
    safeUrl: safeUrl,
    el: el,
    makeSortable: makeSortable,
  };
})();
