/* Paper questionnaires on the keyboard: a valid answer (1 to 4, S) moves the cursor to the next cell. */
(function () {
  "use strict";
  var cells = Array.prototype.slice.call(document.querySelectorAll(".qp-entry-cell"));
  cells.forEach(function (cell, index) {
    cell.addEventListener("input", function () {
      if (/^[1-4sS]$/.test(cell.value)) {
        var next = cells[index + 1] || document.getElementById("id_comment");
        if (next) {
          next.focus();
          if (next.select) { next.select(); }
        }
      }
    });
  });
})();
