// aimsbook search: runs entirely in the browser over a sharded index (see src/search.rs).
// static/search-index.js is small and fixed: the entry count and the first term of every
// term shard. As the reader types, the page loads only the term shards the query's words fall
// in, ranks the entries, then loads the document buckets of the results it shows. Every
// shard is a script that registers itself through AIMSBOOK_SEARCH_SHARD, so it works from
// file:// too (no fetch). Ranking: the exact id first, then id words, title words, and body
// relevance (term frequency with saturation, weighted by rarity).
(function () {
  "use strict";
  var meta = window.AIMSBOOK_SEARCH_INDEX || { n: 0, b: 1, t: [] };
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var entryScript = document.querySelector("script[src$='search-index.js']");
  if (!input || !list || !entryScript) return;
  // Relative to the page, as the entry script is, so a snapshot folder works anywhere.
  var base = entryScript.getAttribute("src").replace(/search-index\.js$/, "search/");
  // Interface words come from the page (the site's language): data-results-* and data-more on
  // the form, with {query}, {shown} and {left} filled in here.
  var form = document.getElementById("search-form");
  function message(name, values, fallback) {
    var text = (form && form.getAttribute("data-" + name)) || fallback;
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  var PAGE = 10, IN_TITLE = 256, IN_ID = 512, IS_ID = 1024, MAX_TERM = 48;

  var shards = {}, waiting = {};
  window.AIMSBOOK_SEARCH_SHARD = function (shard) {
    if (!shard || typeof shard.k !== "string" || shards[shard.k]) return;
    shards[shard.k] = shard;
    var callbacks = waiting[shard.k] || [];
    delete waiting[shard.k];
    callbacks.forEach(function (cb) { cb(); });
  };
  function load(key, cb) {
    if (shards[key]) { cb(); return; }
    if (waiting[key]) { waiting[key].push(cb); return; }
    waiting[key] = [cb];
    var el = document.createElement("script");
    el.src = base + key + ".js";
    el.setAttribute("data-search-shard", key);
    // A missing shard counts as empty, so one bad file does not stall every query.
    el.onerror = function () { window.AIMSBOOK_SEARCH_SHARD({ k: key, t: {}, e: [] }); };
    document.head.appendChild(el);
  }
  function loadAll(keys, cb) {
    var left = keys.length;
    if (!left) { cb(); return; }
    keys.forEach(function (k) { load(k, function () { if (--left === 0) cb(); }); });
  }

  // Words as src/search.rs cuts them: runs of letters and digits, lower-cased.
  function words(text) {
    return text.toLowerCase().split(/[^\p{Alphabetic}\p{N}]+/u).filter(function (w) { return w && w.length <= MAX_TERM; });
  }
  // Folding as src/search.rs `Language::fold`: case, diacritics (é = e, ü = u), ß = ss, and in
  // German ae/oe/ue (not after q) = ä/ö/ü, so "uberwachung" and "ueberwachung" find "Überwachung".
  function fold(word) {
    var w = word.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(/\p{M}/gu, "");
    if (meta.l === "de") w = w.replace(/(^|[^q])ue/g, "$1u").replace(/([ao])e/g, "$1").replace(/(^|[^q])ue/g, "$1u");
    return w;
  }
  // The index holds Snowball stems beside the words; the page has no stemmer, so it reaches
  // them by stripping the language's endings (meta.x, "ending" or "ending:replacement") in up
  // to three rounds: "uberwachungen" → "uberwachung" → "uberwach".
  function stems(word) {
    var found = [word], ends = meta.x || [];
    for (var round = 0; round < 3; round++) {
      found.slice().forEach(function (w) {
        ends.forEach(function (e) {
          var parts = e.split(":"), end = parts[0], put = parts[1] || "";
          if (w.length - end.length >= 3 && w.slice(-end.length) === end) {
            var s = w.slice(0, w.length - end.length) + put;
            if (found.indexOf(s) === -1) found.push(s);
          }
        });
      });
    }
    return found.slice(1);
  }
  // The shard holding `term`: the last whose first term is not after it (-1: before all).
  function shardOf(term) {
    var lo = 0, hi = meta.t.length - 1, at = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (meta.t[mid] <= term) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at;
  }

  // What a query needs: for each word, the terms to look up (the last word, being typed,
  // also matches as a prefix when its range spans at most three shards).
  function plan(query) {
    var q = fold(query.trim());
    var ws = words(q).map(fold).filter(function (w, i, all) { return all.indexOf(w) === i; });
    var keys = {}, lookups = [];
    ws.forEach(function (w, i) {
      var first = shardOf(w), prefix = false;
      if (i === ws.length - 1 && w.length >= 3) {
        var last = shardOf(w + "\uffff");
        if (last - Math.max(first, 0) < 3) {
          prefix = true;
          for (var s = Math.max(first, 0); s <= last; s++) keys["t" + s] = true;
        }
      }
      if (first >= 0) keys["t" + first] = true;
      var alt = stems(w);
      alt.forEach(function (s) { if (shardOf(s) >= 0) keys["t" + shardOf(s)] = true; });
      lookups.push({ word: w, prefix: prefix, stems: alt });
    });
    var whole = q.length <= MAX_TERM && ws.indexOf(q) === -1 ? q : "";
    if (whole && shardOf(whole) >= 0) keys["t" + shardOf(whole)] = true;
    return { q: q, lookups: lookups, whole: whole, keys: Object.keys(keys).sort() };
  }

  // Calls fn(entry, code, exact) for the postings of `word` (and of the terms it begins).
  function postings(word, prefix, fn) {
    var from = Math.max(shardOf(word), 0), to = prefix ? shardOf(word + "\uffff") : from;
    for (var s = from; s <= to; s++) {
      var terms = (shards["t" + s] || {}).t || {};
      for (var term in terms) {
        if (!Object.prototype.hasOwnProperty.call(terms, term)) continue;
        var exact = term === word;
        if (!exact && !(prefix && term.lastIndexOf(word, 0) === 0)) continue;
        var list = terms[term], n = 0, df = list.length / 2;
        for (var i = 0; i < list.length; i += 2) { n += list[i]; fn(n, list[i + 1], exact, df); }
      }
    }
  }

  function rank(p) {
    var total = null;
    for (var j = 0; j < p.lookups.length; j++) {
      var best = {};
      var add = function (n, code, exact, df) {
        var tf = code & 255, s = 0;
        if (code & IN_ID) s += 60;
        if (code & IN_TITLE) s += 30;
        if (tf) s += Math.log(1 + (meta.n - df + 0.5) / (df + 0.5)) * tf * 2.2 / (tf + 1.2);
        if (!exact) s *= 0.7;
        if (!(n in best) || best[n] < s) best[n] = s;
      };
      postings(p.lookups[j].word, p.lookups[j].prefix, add);
      // Another inflection of the word (its stem in the index) counts as a near match.
      p.lookups[j].stems.forEach(function (s) { postings(s, false, function (n, code, exact, df) { add(n, code, false, df); }); });
      if (total === null) total = best;
      else {
        var both = {};
        for (var k in total) if (k in best) both[k] = total[k] + best[k];
        total = both;
      }
    }
    total = total || {};
    if (p.whole) {
      postings(p.whole, false, function (n, code, exact) {
        if (exact && code & IS_ID) total[n] = (total[n] || 0) + 10000;
      });
    }
    var hits = Object.keys(total).map(function (k) { return { n: +k, score: total[k] }; });
    hits.sort(function (a, b) { return b.score - a.score || a.n - b.n; });
    return hits;
  }

  function entry(n) {
    var bucket = shards["d" + Math.floor(n / meta.b)];
    var row = bucket && bucket.e ? bucket.e[n % meta.b] : null;
    return row ? { i: row[0], t: row[1], k: row[2], u: row[3], x: row[4] } : null;
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

  var more = document.createElement("button");
  more.type = "button";
  more.id = "search-more";
  more.className = "search-more";
  more.hidden = true;
  list.parentNode.insertBefore(more, list.nextSibling);

  var generation = 0, current = null;
  function showPage(gen, state) {
    var page = state.hits.slice(state.shown, state.shown + PAGE);
    var keys = page.map(function (h) { return "d" + Math.floor(h.n / meta.b); });
    list.setAttribute("aria-busy", "true");
    loadAll(keys.filter(function (k, i) { return keys.indexOf(k) === i; }), function () {
      if (gen !== generation) return;
      page.forEach(function (h) {
        var e = entry(h.n);
        if (!e) return;
        var li = document.createElement("li");
        li.className = "search-result";
        var a = document.createElement("a");
        a.href = e.u;
        var id = document.createElement("span");
        id.className = "result-id";
        id.textContent = e.i;
        a.appendChild(id);
        a.appendChild(document.createTextNode(" " + e.t));
        var kind = document.createElement("span");
        kind.className = "badge result-kind";
        kind.textContent = e.k;
        var p = document.createElement("p");
        p.className = "result-snippet";
        p.appendChild(snippet(e, state.terms));
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(kind);
        li.appendChild(p);
        list.appendChild(li);
      });
      state.shown += page.length;
      var left = state.hits.length - state.shown;
      more.hidden = left <= 0;
      more.textContent = message("more", { shown: Math.min(left, PAGE), left: left }, "Show {shown} more of {left}");
      list.removeAttribute("aria-busy");
    });
  }

  function render(query) {
    var gen = ++generation;
    var p = plan(query);
    list.textContent = "";
    more.hidden = true;
    if (!p.q) { if (status) status.textContent = ""; current = null; return; }
    loadAll(p.keys, function () {
      if (gen !== generation) return;
      var hits = rank(p);
      // Highlight the words as typed (the excerpt is not folded) and as folded.
      var terms = words(query).concat(p.lookups.map(function (l) { return l.word; }));
      current = { hits: hits, shown: 0, terms: terms };
      var form_ = hits.length === 1 ? "results-one" : hits.length === 0 ? "results-zero" : "results-other";
      if (status) status.textContent = message(form_, { query: query.trim(), count: hits.length }, "{count}: {query}");
      showPage(gen, current);
    });
  }

  more.addEventListener("click", function () { if (current) showPage(generation, current); });
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
