/* The assessment grid: keyboard moves between cells, each change is saved at once by htmx (the cell comes back
   re-rendered, with the French message of a refusal), the progress is swapped out of band.
   Enter: next engagement in the same site column; Shift+Enter: previous; the digits choose a result (the options
   start with them, the browser's type-ahead does the rest); Tab follows the page order. */
(function () {
  "use strict";

  function selects() {
    return Array.prototype.slice.call(document.querySelectorAll(".qp-grid__select"));
  }

  function cellPosition(select) {
    var cell = select.closest("td");
    var row = cell.closest("tr");
    return { cell: cell, row: row, index: cell.cellIndex };
  }

  function neighbour(select, step) {
    var position = cellPosition(select);
    var row = position.row;
    while (row) {
      row = step > 0 ? row.nextElementSibling : row.previousElementSibling;
      if (row && row.classList.contains("qp-grid__row")) {
        var cell = row.cells[position.index];
        var target = cell && cell.querySelector(".qp-grid__select");
        if (target) {
          return target;
        }
      }
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("qp-grid__select")) {
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      var next = neighbour(target, event.shiftKey ? -1 : 1);
      if (next) {
        next.focus();
      }
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // A refused cell comes back as 422 with its message: swap it anyway.
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function announce(text) {
    var region = document.getElementById("grid-status");
    if (region) {
      region.textContent = text;
    }
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var message = status === 403
      ? "Votre accès à cet audit ne permet plus de modifier la grille (fenêtre d’accès fermée ou rapport remis). Rechargez la page."
      : "La cellule n’a pas pu être enregistrée (erreur " + status + "). Rechargez la page.";
    announce(message);
    window.alert(message);
  });

  document.addEventListener("htmx:sendError", function () {
    var message = "Le serveur ne répond pas : la cellule n’a pas été enregistrée.";
    announce(message);
    window.alert(message);
  });

  // Expose the count of cells for the tests and the curious.
  window.qualiprefGrid = { cells: function () { return selects().length; } };
})();
