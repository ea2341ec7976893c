// aimsbook default theme: progressive enhancement only. Every page works without JavaScript;
// this adds table sorting and filtering.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return (cell.getAttribute("data-sort") || cell.textContent || "").trim();
  }

  function compare(a, b) {
    var na = parseVersion(a), nb = parseVersion(b);
    if (na && nb) {
      for (var i = 0; i < Math.max(na.length, nb.length); i++) {
        var d = (na[i] || 0) - (nb[i] || 0);
        if (d !== 0) return d;
      }
      return 0;
    }
    // The page's language orders text (ä with a in German), as the site's lists are sorted.
    return a.localeCompare(b, document.documentElement.lang || undefined, { numeric: true, sensitivity: "base" });
  }

  function parseVersion(s) {
    return /^\d+(\.\d+){1,2}$/.test(s) ? s.split(".").map(Number) : null;
  }

  function sortRows(table, index, asc) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = compare(cellValue(r1, index), cellValue(r2, index));
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "columnheader");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        sortRows(table, index, asc);
        // Rows shown later (the register's filter) are sorted the same way.
        table.aimsbookResort = function () { sortRows(table, index, asc); };
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  function makeFilter(form) {
    var table = document.getElementById(form.getAttribute("data-filter-for"));
    if (!table) return;
    var out = form.querySelector(".filter-count");
    function apply() {
      var q = (form.elements.q && form.elements.q.value || "").toLowerCase().trim();
      var shown = 0, rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i], ok = true;
        ["type", "status", "owner"].forEach(function (k) {
          var el = form.elements[k];
          if (el && el.value && r.getAttribute("data-" + k) !== el.value) ok = false;
        });
        if (ok && q && r.textContent.toLowerCase().indexOf(q) === -1) ok = false;
        r.hidden = !ok;
        if (ok) shown++;
      }
      // The words come from the page (data-count, in the site's language).
      var words = (out && out.getAttribute("data-count")) || "{shown} of {total} shown";
      if (out) out.textContent = words.replace("{shown}", String(shown)).replace("{total}", String(rows.length));
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  // The document register when it has several pages (src/render/register.rs): the filter
  // covers every page. Each page's rows exist as a data file (register/rows-N.js) that
  // registers itself through AIMSBOOK_REGISTER_ROWS, loaded as a script when the reader first
  // filters (so it works from file://, where fetch is blocked). Matching rows are built with
  // the markup of register.html's rows, from the tables of repeated values in each file; the
  // page's own rows come back when the filter is cleared.
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function textOf(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content.textContent;
  }

  function makeRegisterFilter(form, table) {
    var out = form.querySelector(".filter-count");
    var body = table.tBodies[0];
    var own = Array.prototype.slice.call(body.rows);
    var prefix = form.getAttribute("data-rows");
    var files = Number(form.getAttribute("data-files")) || 0;
    var total = Number(form.getAttribute("data-total")) || 0;
    var cap = Number(form.getAttribute("data-cap")) || 500;
    var root = form.getAttribute("data-root") || "";
    var chunks = {}, requested = false, arrived = 0, filtered = false;

    // One data file's rows: the markup of each (as register.html writes it) and its text.
    function prepare(c) {
      var statusText = c.statuses.map(function (s) { return textOf(s[1]); });
      var dateText = c.dates.map(function (d) { return textOf(d[1]); });
      var badgeText = c.badges.map(textOf);
      return c.rows.map(function (r) {
        var type = c.types[r[2]], status = c.statuses[r[4]], owner = c.people[r[5]], approver = c.people[r[6]];
        var approved = c.dates[r[7]], due = c.dates[r[8]];
        var html = '<tr data-type="' + escapeHtml(type[0]) + '" data-status="' + escapeHtml(status[0]) + '" data-owner="' + escapeHtml(owner[0]) + '">\n' +
          '  <td class="nowrap"><a href="' + escapeHtml(root + c.doc[0] + r[0] + c.doc[1]) + '">' + escapeHtml(r[0]) + '</a></td>\n' +
          '  <td>' + escapeHtml(r[1]) + '</td>\n' +
          '  <td>' + escapeHtml(type[1]) + '</td>\n' +
          '  <td class="num" data-sort="' + escapeHtml(r[3]) + '">' + escapeHtml(r[3]) + '</td>\n' +
          '  <td>' + status[1] + '</td>\n' +
          '  <td><a href="' + escapeHtml(root + owner[1]) + '">' + escapeHtml(owner[0]) + '</a></td>\n' +
          '  <td>' + escapeHtml(approver[0]) + '</td>\n' +
          '  <td class="nowrap">' + (approved[1] || "\u2014") + '</td>\n' +
          '  <td class="nowrap" data-sort="' + escapeHtml(due[0]) + '">' + (due[1] || "\u2014") + ' ' + c.badges[r[10]] + '</td>\n' +
          '  <td>' + escapeHtml(c.classes[r[9]]) + '</td>\n' +
          '</tr>';
        var text = [r[0], r[1], type[1], r[3], statusText[r[4]], owner[0], approver[0], dateText[r[7]] || "\u2014",
          (dateText[r[8]] || "\u2014") + " " + badgeText[r[10]], c.classes[r[9]]].join("\n").toLowerCase();
        return { type: type[0], status: status[0], owner: owner[0], text: text, html: html };
      });
    }
    window.AIMSBOOK_REGISTER_ROWS = function (c) {
      if (!c || typeof c.page !== "number" || chunks[c.page]) return;
      chunks[c.page] = prepare(c);
      arrived++;
      if (arrived === files) apply();
    };
    function loadAll() {
      requested = true;
      for (var n = 1; n <= files; n++) {
        var el = document.createElement("script");
        el.src = prefix + n + ".js";
        el.setAttribute("data-register-rows", String(n));
        // A missing file counts as empty, so one bad file does not stall the filter.
        el.onerror = (function (page) { return function () { window.AIMSBOOK_REGISTER_ROWS({ page: page, doc: ["", ""], types: [], statuses: [], people: [], dates: [], badges: [], classes: [], rows: [] }); }; })(n);
        document.head.appendChild(el);
      }
    }
    function words(name, values) {
      var text = (out && out.getAttribute("data-" + name)) || form.getAttribute("data-" + name) || "";
      return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
    }
    function say(text) { if (out) out.textContent = text; }
    function apply() {
      var q = (form.elements.q && form.elements.q.value || "").toLowerCase().trim();
      var want = {};
      ["type", "status", "owner"].forEach(function (k) { var el = form.elements[k]; if (el && el.value) want[k] = el.value; });
      if (!q && !Object.keys(want).length) {
        if (filtered) {
          body.replaceChildren.apply(body, own);
          if (table.aimsbookResort) table.aimsbookResort();
          filtered = false;
        }
        say(words("count", { shown: own.length, total: total }));
        return;
      }
      if (arrived < files) {
        if (!requested) loadAll();
        say(words("loading", {}));
        return;
      }
      var matches = [];
      for (var n = 1; n <= files; n++) {
        (chunks[n] || []).forEach(function (row) {
          for (var k in want) if (row[k] !== want[k]) return;
          if (q && row.text.indexOf(q) === -1) return;
          matches.push(row);
        });
      }
      var shown = matches.slice(0, cap);
      body.innerHTML = shown.map(function (row) { return row.html; }).join("\n");
      if (table.aimsbookResort) table.aimsbookResort();
      filtered = true;
      say(matches.length > cap ? words("capped", { shown: shown.length, matched: matches.length })
        : words("count", { shown: matches.length, total: total }));
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("form.table-filter").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-filter-for"));
    if (table && form.hasAttribute("data-rows")) makeRegisterFilter(form, table);
    else makeFilter(form);
  });
})();
