/* The assessment grid: keyboard moves between cells, each explicit choice is saved by htmx (the cell comes back
   re-rendered, with the French message of a refusal), the progress is swapped out of band.
   A result browsed with the keyboard (arrow keys, a digit: the browser changes a closed <select> at each key) is
   not saved on the way (WCAG 3.2.2 / RGAA 7.3): it is saved on Enter, or when the list is left (Tab, a click
   elsewhere); Escape puts the saved result back. A choice made with the mouse is saved at once. The comment and the
   evidence are saved when their field is left (their own change event).
   Enter: save and go to the next engagement in the same site column; Shift+Enter: the previous one; the digits
   choose a result (the options start with them, the browser's type-ahead does the rest); Tab follows the page
   order. */
(function () {
  "use strict";

  // The answers of the server (a refused cell, 422, is swapped with its message; errors are said and alerted) are
  // those of static/qualipref/htmx-feedback.js, loaded before this script; it speaks in #grid-status.
  var announce = window.qualiprefFeedback.announce;

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

  function isGridSelect(element) {
    return !!(element && element.classList && element.classList.contains("qp-grid__select"));
  }

  // The <select> whose key is down: a change it fires meanwhile was made with the keyboard.
  var keyDownOn = null;

  function save(select) {
    if (select.dataset.qpUnsaved) {
      delete select.dataset.qpUnsaved;
      select.form.dispatchEvent(new CustomEvent("qp-grid-save", { bubbles: false }));
    }
  }

  // Capture phase: the form's htmx trigger (a bubbling change) never sees a <select>'s change; this decides.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!isGridSelect(target)) {
      return;
    }
    event.stopPropagation();
    target.dataset.qpUnsaved = "1";
    if (keyDownOn !== target) {
      save(target);  // chosen with the mouse (or by a script): explicit
    }
  }, true);

  document.addEventListener("keyup", function () {
    keyDownOn = null;
  });

  document.addEventListener("focusout", function (event) {
    if (isGridSelect(event.target)) {
      keyDownOn = null;
      save(event.target);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!isGridSelect(target)) {
      return;
    }
    keyDownOn = target;
    if (event.key === "Enter") {
      event.preventDefault();
      save(target);
      var next = neighbour(target, event.shiftKey ? -1 : 1);
      if (next) {
        next.focus();
      }
    } else if (event.key === "Escape" && target.dataset.qpUnsaved) {
      event.preventDefault();
      Array.prototype.forEach.call(target.options, function (option) {
        option.selected = option.defaultSelected;
      });
      delete target.dataset.qpUnsaved;
      announce("Résultat enregistré remis : rien n’a été modifié.");
    }
  });

  // Expose the count of cells for the tests and the curious.
  window.qualiprefGrid = { cells: function () { return selects().length; } };
})();
