// aimsbook serve: live reload and error overlay. Served only by `aimsbook serve`; never part
// of a built site. Long-polls /__aimsbook/wait and reloads when a new build is served,
// keeping the scroll position; shows the diagnostics of a failed rebuild over the page.
(function () {
  "use strict";
  var KEY = "aimsbook-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    var y = parseInt(saved, 10) || 0;
    window.addEventListener("load", function () { window.scrollTo(0, y); });
    window.scrollTo(0, y);
  }
  var generation = null, build = null;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function overlay(errors, degraded) {
    var el = document.getElementById("aimsbook-overlay");
    if (!errors || errors.length === 0) {
      if (el) el.remove();
      return;
    }
    if (!el) {
      el = document.createElement("div");
      el.id = "aimsbook-overlay";
      el.setAttribute("role", "alert");
      el.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0f0e;color:#ffe9e7;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:16px 20px;" +
        "box-shadow:0 -4px 24px rgba(0,0,0,.4);border-top:4px solid #ff6b5e";
      document.body.appendChild(el);
    }
    var count = errors.filter(function (e) { return e.severity === "error"; }).length;
    // The words come in the site's language from `serve` (AIMSBOOK_LIVE_MESSAGES, from the
    // message catalogs); "{errors}" is the count with its noun ("1 error", "2 errors").
    var m = window.AIMSBOOK_LIVE_MESSAGES || {
      broken: "the last edit broke the build ({errors}). Showing the last good version.",
      degraded: "the repository does not build yet ({errors}). Showing every page that could be rendered.",
      one: "1 error", other: "2 errors"
    };
    var errorsText = (count === 1 ? m.one : m.other).replace(/\d+/, String(count));
    var html = "<strong style='font-size:15px'>aimsbook: " + esc((degraded ? m.degraded : m.broken).replace("{errors}", errorsText)) +
      "</strong><ul style='margin:8px 0 0;padding-left:18px'>";
    errors.forEach(function (e) {
      html += "<li class='aimsbook-diagnostic'><span style='color:#ff8a80'>" + esc(e.severity || "error") + "[" + esc(e.code) + "]</span> " + esc(e.message) +
        "<br><span style='opacity:.8'>--&gt; " + esc(e.file) + ":" + esc(e.line) + ":" + esc(e.column) + "</span>" +
        (e.help ? "<br><span style='opacity:.8'>help: " + esc(e.help) + "</span>" : "") + "</li>";
    });
    el.innerHTML = html + "</ul>";
  }

  function poll() {
    var url = "/__aimsbook/wait?since=" + (generation === null ? "" : generation);
    fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (build !== null && s.build !== build) {
        sessionStorage.setItem(KEY, String(window.scrollY));
        location.reload();
        return;
      }
      generation = s.generation;
      build = s.build;
      overlay(s.errors, s.degraded);
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
