/* Paper questionnaires on the keyboard: a valid answer (1 to 4, or O / N for a closed question; S; the number of
   a single choice's option when it has at most nine) moves the cursor to the next cell; a multiple choice and a
   written answer move on with Tab.
   A date the browser cannot read (partial or malformed: validity.badInput, whose .value is "") is never sent:
   the field says why, in French, and keeps the focus; the answers typed stay where they are. */
(function () {
  "use strict";
  var DATE_MESSAGE = "Date incomplète ou invalide : saisissez le jour, le mois et l’année (JJ/MM/AAAA). " +
    "Le questionnaire n’a pas été enregistré.";
  var cells = Array.prototype.slice.call(document.querySelectorAll(".qp-entry-cell"));
  cells.forEach(function (cell, index) {
    var kind = cell.dataset.answers;
    var options = parseInt(cell.dataset.options || "0", 10);
    // A multiple choice (several numbers) and a written answer move on with Tab only.
    if (kind === "multiple_choice" || kind === "free_text") { return; }
    cell.addEventListener("input", function () {
      var valid = kind === "yes_no" ? /^[oOnNsS]$/ : /^[1-4sS]$/;
      if (kind === "single_choice") {
        valid = options <= 9 ? new RegExp("^[1-" + options + "sS]$") : /^$/;
      }
      if (valid.test(cell.value)) {
        var next = cells[index + 1] || document.getElementById("id_comment");
        if (next) {
          next.focus();
          if (next.select) { next.select(); }
        }
      }
    });
  });

  function dateError(input, message) {
    var id = input.id + "-date-error";
    var holder = document.getElementById(id);
    if (!holder) {
      holder = document.createElement("p");
      holder.className = "fr-error-text";
      holder.id = id;
      input.insertAdjacentElement("afterend", holder);
    }
    holder.textContent = message;
    holder.hidden = !message;
    var group = input.closest(".fr-input-group");
    if (group) { group.classList.toggle("fr-input-group--error", !!message); }
    input.classList.toggle("fr-input--error", !!message);
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  var form = document.getElementById("entry-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var first = null;
      form.querySelectorAll('input[type="date"]').forEach(function (input) {
        var bad = input.validity.badInput;
        dateError(input, bad ? DATE_MESSAGE : "");
        if (bad && !first) { first = input; }
      });
      if (first) {
        event.preventDefault();
        first.focus();
      }
    });
  }
})();
