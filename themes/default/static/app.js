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

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "columnheader");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, index), cellValue(r2, index));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
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

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("form.table-filter").forEach(makeFilter);
})();
