/* The entry grid of the indicators: spreadsheet-like keyboard moves, and the answers of htmx's autosave.
   Each input posts itself on change (htmx); the server answers the cell (422 with its French message when the value
   is refused) and, out of band, the row's traffic light and trend. */
(function () {
  "use strict";

  // A refused value (422) is swapped with its message, errors are said and alerted: static/qualipref/htmx-feedback.js,
  // loaded before this script; it speaks in #grid-status.
  var announce = window.qualiprefFeedback.announce;

  function cellAt(row, col) {
    return document.querySelector('.qp-grid-input[data-row="' + row + '"][data-col="' + col + '"]');
  }

  function move(input, rowStep, colStep) {
    var next = cellAt(Number(input.dataset.row) + rowStep, Number(input.dataset.col) + colStep);
    if (next) {
      next.focus();
      next.select();
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("qp-grid-input")) {
      return;
    }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
    if (event.key === "Enter") {
      event.preventDefault(); // never submits the whole grid: the value is saved on change
      if (!move(input, event.shiftKey ? -1 : 1, 0)) {
        input.blur();
        input.focus();
      }
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      move(input, 1, 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(input, -1, 0);
    } else if (event.key === "ArrowLeft" && atStart) {
      if (move(input, 0, -1)) { event.preventDefault(); }
    } else if (event.key === "ArrowRight" && atEnd) {
      if (move(input, 0, 1)) { event.preventDefault(); }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.xhr.status;
    var cell = event.detail.target;
    if (status === 200) {
      announce("Valeur enregistrée.");
    } else if (status === 422) {
      var error = document.querySelector("#" + cell.id + " .fr-error-text");
      announce(error ? error.textContent : "Valeur refusée.");
      var input = document.querySelector("#" + cell.id + " input");
      if (input) {
        input.focus();
        input.select();
      }
    }
  });
})();
