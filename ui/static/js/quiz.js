// quiz.js: a countdown to an attempt's deadline on the quiz form. The server
// is the authority on time; this only shows what is left and, when time is
// up, says so. Without JavaScript the page shows the deadline as text.
(function () {
  "use strict";
  var el = document.querySelector(".learn-timer[data-deadline]");
  if (!el) return;
  var deadline = Date.parse(el.getAttribute("data-deadline"));
  if (isNaN(deadline)) return;
  var label = el.getAttribute("data-label") || "";
  var expired = el.getAttribute("data-expired") || "";
  el.setAttribute("role", "timer");
  el.setAttribute("aria-live", "off");
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    if (left === 0) {
      el.textContent = expired;
      el.classList.add("learn-timer-up");
      el.setAttribute("aria-live", "assertive");
      return;
    }
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    el.textContent = label + " " + (h > 0 ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
    if (left <= 60) el.classList.add("learn-timer-low");
    setTimeout(tick, 1000);
  }
  tick();
})();
