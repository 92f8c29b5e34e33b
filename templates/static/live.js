// Live pages: a page whose <main> names an event stream (data-live) follows it, and when
// the onboarding changes it fetches itself again and swaps in the new <main>, so progress
// made by someone else shows within a second. While a person is typing in a form the page
// is left alone and a notice offers to refresh instead.
(function () {
  "use strict";
  var main = document.querySelector("main[data-live]");
  if (!main || !window.EventSource || !window.fetch) return;
  var source = new EventSource(main.getAttribute("data-live"));
  var busy = false;

  function typing() {
    var el = document.activeElement;
    return el && el.form && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  function notice() {
    if (document.getElementById("live-notice")) return;
    var p = document.createElement("p");
    p.id = "live-notice";
    p.className = "notice";
    p.setAttribute("role", "status");
    p.textContent = "This page has changed. ";
    var a = document.createElement("a");
    a.href = location.href;
    a.textContent = "Refresh";
    p.appendChild(a);
    document.querySelector("main").prepend(p);
  }

  // A change that arrives while the page is being fetched may not be in what the fetch
  // brings back: fetch once more when that one is done, so the page ends up current.
  var again = false;

  function refresh() {
    if (busy) { again = true; return; }
    if (typing()) { notice(); return; }
    busy = true;
    again = false;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var current = document.querySelector("main");
        if (fresh && current && !typing()) current.replaceWith(fresh);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) refresh();
      });
  }

  source.addEventListener("changed", refresh);
  // After the stream dropped and came back, changes may have been missed meanwhile.
  var opened = false;
  source.addEventListener("open", function () {
    if (opened) refresh();
    opened = true;
  });
})();
