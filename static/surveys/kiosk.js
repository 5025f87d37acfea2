/* Kiosk of the hall: the thank-you message fades after a few seconds; a questionnaire left half-filled is
   emptied after two minutes without a touch, for the next visitor. */
(function () {
  "use strict";
  var root = document.getElementById("borne");
  if (!root) { return; }
  var url = root.getAttribute("data-kiosk-url");
  var thanks = document.getElementById("merci");
  if (thanks) {
    window.setTimeout(function () { thanks.remove(); }, 6000);
    window.history.replaceState(null, "", url);
  }
  var IDLE_MS = 120000;
  var timer = null;
  function reset() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.location.replace(url); }, IDLE_MS);
  }
  ["click", "keydown", "touchstart", "input"].forEach(function (name) {
    document.addEventListener(name, reset, { passive: true });
  });
  reset();
})();
