/* The server's answers to an inline htmx save, the same on every page that saves in place (the audit grid, the
   indicators grid, the action list). Loaded by templates/components/htmx_feedback.html, whose attributes name the
   page's live region (data-qp-region) and its words (data-qp-forbidden, data-qp-failed, data-qp-offline):
   - a 422 is swapped like a success: the fragment carries the French message next to its field;
   - a refusal (403), another error status, a server that does not answer: said in the live region and in an alert.
   window.qualiprefFeedback.announce(text) speaks in the same region for the page's own script. */
(function () {
  "use strict";

  var words = document.currentScript.dataset;

  function announce(text) {
    var region = document.getElementById(words.qpRegion);
    if (region) {
      region.textContent = "";  // emptied first: the same message twice is read twice
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }

  function tell(message) {
    announce(message);
    window.alert(message);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    tell(status === 403 ? words.qpForbidden : words.qpFailed + " (erreur " + status + "). Rechargez la page.");
  });

  document.addEventListener("htmx:sendError", function () {
    tell(words.qpOffline);
  });

  window.qualiprefFeedback = { announce: announce };
})();
