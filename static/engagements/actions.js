/* Action list: "select all" for the bulk status change, inline edits answered with a French message.
   htmx posts one field and swaps the row; a refused change comes back as 422 with the row and its message. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("inline-status");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("qp-select-all")) {
      document.querySelectorAll(".qp-bulk-checkbox").forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // A change refused by the server: swap the row anyway, it carries the message next to the field.
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 200) {
      announce("Modification enregistrée.");
    } else if (status === 422) {
      var rowId = event.detail.target && event.detail.target.id;
      var error = rowId ? document.querySelector("#" + rowId + " .fr-error-text") : null;
      announce(error ? error.textContent : "Modification refusée.");
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var message = status === 403
      ? "Vous ne pouvez pas modifier cette action."
      : "La modification n’a pas pu être enregistrée (erreur " + status + "). Rechargez la page.";
    announce(message);
    window.alert(message);
  });

  document.addEventListener("htmx:sendError", function () {
    var message = "Le serveur ne répond pas : la modification n’a pas été enregistrée.";
    announce(message);
    window.alert(message);
  });
})();
