// aimsbook search: runs entirely in the browser over static/search-index.js (a script, so it
// works from file:// too). An exact id ranks first; results show id, title, type and a snippet.
(function () {
  "use strict";
  var index = window.AIMSBOOK_SEARCH_INDEX || [];
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;

  function count(hay, needle) {
    var n = 0, pos = hay.indexOf(needle);
    while (pos !== -1 && n < 50) { n++; pos = hay.indexOf(needle, pos + needle.length); }
    return n;
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var terms = q.split(/\s+/).filter(Boolean);
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var e = index[i], id = e.i.toLowerCase(), title = e.t.toLowerCase(), text = e.x.toLowerCase();
      var score = 0;
      if (id === q) score += 10000;
      else if (id.indexOf(q) === 0) score += 500;
      var all = true;
      for (var j = 0; j < terms.length; j++) {
        var t = terms[j], s = 0;
        if (id.indexOf(t) !== -1) s += 60;
        if (title.indexOf(t) !== -1) s += 30;
        var c = count(text, t);
        if (c) s += Math.min(c, 10);
        if (!s) { all = false; break; }
        score += s;
      }
      if (all && score > 0) hits.push({ e: e, score: score });
    }
    hits.sort(function (a, b) { return b.score - a.score || (a.e.i < b.e.i ? -1 : 1); });
    return hits.slice(0, 50);
  }

  function snippet(e, terms) {
    var text = e.x, lower = text.toLowerCase(), at = -1, len = 0;
    for (var j = 0; j < terms.length; j++) {
      var p = lower.indexOf(terms[j]);
      if (p !== -1 && (at === -1 || p < at)) { at = p; len = terms[j].length; }
    }
    var frag = document.createDocumentFragment();
    if (at === -1) {
      frag.appendChild(document.createTextNode(text.slice(0, 160) + (text.length > 160 ? "…" : "")));
      return frag;
    }
    var start = Math.max(0, at - 70), end = Math.min(text.length, at + len + 90);
    frag.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + len);
    frag.appendChild(mark);
    frag.appendChild(document.createTextNode(text.slice(at + len, end) + (end < text.length ? "…" : "")));
    return frag;
  }

  function render(query) {
    var terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var hits = search(query);
    list.textContent = "";
    hits.forEach(function (h) {
      var li = document.createElement("li");
      li.className = "search-result";
      var a = document.createElement("a");
      a.href = h.e.u;
      var id = document.createElement("span");
      id.className = "result-id";
      id.textContent = h.e.i;
      a.appendChild(id);
      a.appendChild(document.createTextNode(" " + h.e.t));
      var kind = document.createElement("span");
      kind.className = "badge result-kind";
      kind.textContent = h.e.k;
      var p = document.createElement("p");
      p.className = "result-snippet";
      p.appendChild(snippet(h.e, terms));
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      li.appendChild(p);
      list.appendChild(li);
    });
    if (status) status.textContent = query.trim() ? hits.length + (hits.length === 50 ? "+" : "") + " result" + (hits.length === 1 ? "" : "s") + " for “" + query.trim() + "”" : "";
  }

  var params = new URLSearchParams(location.search);
  if (params.get("q")) input.value = params.get("q");
  input.addEventListener("input", function () { render(input.value); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      var first = list.querySelector("a");
      if (first) { ev.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var i = links.indexOf(document.activeElement);
    if (i === -1) return;
    ev.preventDefault();
    if (ev.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
    if (ev.key === "ArrowUp") (i === 0 ? input : links[i - 1]).focus();
  });
  document.getElementById("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); render(input.value); });
  render(input.value);
})();
