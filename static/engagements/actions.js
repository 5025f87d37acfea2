/* Action list: rows to read, one « Modifier » per row that opens its controls, an explicit save, and a list that
   is a single stop of the Tab key (roving focus: the arrow keys move between rows and within a row).

   Nothing is saved on a mere change: a <select> browsed with the arrow keys, a date typed segment by segment
   commit nothing (WCAG 3.2.2 / RGAA 7.3: changing a control's value does not act by itself). « Enregistrer », or
   Enter in a control of the row, sends the row; Escape (or « Annuler ») closes it unsaved. A value the browser
   cannot read (a partial or malformed date, a number with letters: validity.badInput, whose .value is "") is never
   sent: the field says why, in French. The server refuses an empty due date anyway unless « Sans échéance » is
   checked. htmx swaps the row the server answers (422 with the message next to the field when refused). */
(function () {
  "use strict";

  var MESSAGES = {
    date: "Date incomplète ou invalide : saisissez le jour, le mois et l’année (JJ/MM/AAAA). Rien n’a été enregistré.",
    dateEmpty: "L’échéance est vide : saisissez une date (JJ/MM/AAAA) ou cochez « Sans échéance » pour la retirer. " +
      "Rien n’a été enregistré.",
    number: "Avancement illisible : saisissez un nombre entier de 0 à 100. Rien n’a été enregistré."
  };

  // A refused row (422) is swapped with its message, errors are said and alerted: static/qualipref/htmx-feedback.js,
  // loaded before this script; it speaks in #inline-status.
  var announce = window.qualiprefFeedback.announce;

  // --- checks before sending a row -----------------------------------------------------------------

  function fieldError(control) {
    if (control.disabled) {
      return "";
    }
    if (control.type === "date") {
      if (control.validity.badInput) {
        return MESSAGES.date;
      }
      var clear = document.querySelector('.qp-date-clear[data-qp-date="' + control.id + '"]');
      if (control.value === "" && control.dataset.qpSaved && !(clear && clear.checked)) {
        return MESSAGES.dateEmpty;
      }
    } else if (control.type === "number" && control.validity.badInput) {
      return MESSAGES.number;
    }
    return "";
  }

  function showError(control, message) {
    var holder = document.getElementById(control.id + "-error");
    var group = control.closest(".fr-input-group");
    if (holder) {
      holder.textContent = message;
      holder.classList.toggle("qp-empty-message", !message);
    }
    if (group) {
      group.classList.toggle("fr-input-group--error", !!message);
    }
    control.classList.toggle("fr-input--error", !!message);
    if (message) {
      control.setAttribute("aria-invalid", "true");
    } else {
      control.removeAttribute("aria-invalid");
    }
  }

  // Capture phase: runs before htmx's own submit handler on the form, and stops it when a value is unreadable.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("qp-row-form")) {
      return;
    }
    var first = null;
    Array.prototype.forEach.call(form.elements, function (control) {
      if (control.type !== "date" && control.type !== "number") {
        return;
      }
      var message = fieldError(control);
      showError(control, message);
      if (message && !first) {
        first = control;
      }
    });
    if (first) {
      event.preventDefault();
      event.stopPropagation();
      first.focus();
      announce(document.getElementById(first.id + "-error").textContent);
    }
  }, true);

  // --- the row being edited ------------------------------------------------------------------------

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.classList) {
      return;
    }
    if (target.classList.contains("qp-select-all")) {
      document.querySelectorAll(".qp-bulk-checkbox").forEach(function (box) {
        box.checked = target.checked;
      });
    } else if (target.classList.contains("qp-status-control")) {
      // The reason of an abandon, the effectiveness of a verification: shown when that status is chosen.
      target.closest("td").querySelectorAll(".qp-status-input").forEach(function (block) {
        block.hidden = block.dataset.qpStatus !== target.value;
      });
    } else if (target.classList.contains("qp-date-clear")) {
      var date = document.getElementById(target.dataset.qpDate);
      if (date) {
        date.disabled = target.checked;
        showError(date, "");
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var row = target.closest && target.closest("tr.qp-action-row--editing");
    if (row && (event.key === "Enter" || event.key === "Escape") && !target.matches("button, a")) {
      var form = row.querySelector(".qp-row-form");
      event.preventDefault();
      if (event.key === "Enter") {
        form.requestSubmit();
      } else {
        row.querySelector(".qp-row-cancel").click();
      }
      return;
    }
    if (target.classList && target.classList.contains("qp-row-nav")) {
      rovingKey(event, target);
    }
  });

  // --- roving focus over the rows ------------------------------------------------------------------

  function body() {
    return document.querySelector("#action-table tbody");
  }

  function kind(item) {
    var kinds = ["qp-bulk-checkbox", "qp-row-edit", "qp-row-undo"];
    for (var i = 0; i < kinds.length; i++) {
      if (item.classList.contains(kinds[i])) {
        return kinds[i];
      }
    }
    return "link";
  }

  function items(row) {
    return Array.prototype.slice.call(row.querySelectorAll(".qp-row-nav"));
  }

  function setRoving(current) {
    var rows = body();
    if (!rows) {
      return;
    }
    rows.querySelectorAll(".qp-row-nav").forEach(function (item) {
      item.setAttribute("tabindex", item === current ? "0" : "-1");
    });
  }

  function initRoving(preferred) {
    var rows = body();
    if (!rows) {
      return;
    }
    var current = preferred || rows.querySelector('.qp-row-nav[tabindex="0"]');
    if (!current) {
      var first = rows.querySelector("tr.qp-action-row");
      current = first && (first.querySelector(".qp-row-edit") || first.querySelector(".qp-row-nav"));
    }
    setRoving(current);
  }

  function sameKindIn(row, wanted) {
    var list = items(row);
    for (var i = 0; i < list.length; i++) {
      if (kind(list[i]) === wanted) {
        return list[i];
      }
    }
    return list.filter(function (item) { return kind(item) === "link"; })[0] || list[0] || null;
  }

  function rovingKey(event, item) {
    var row = item.closest("tr");
    var rows = Array.prototype.slice.call(body().querySelectorAll("tr.qp-action-row"));
    var index = rows.indexOf(row);
    var next = null;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var step = event.key === "ArrowDown" ? 1 : -1;
      for (var i = index + step; i >= 0 && i < rows.length && !next; i += step) {
        next = sameKindIn(rows[i], kind(item));
      }
    } else if (event.key === "Home" || event.key === "End") {
      next = sameKindIn(event.key === "Home" ? rows[0] : rows[rows.length - 1], kind(item));
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      var list = items(row);
      next = list[list.indexOf(item) + (event.key === "ArrowRight" ? 1 : -1)] || null;
    } else {
      return;
    }
    event.preventDefault();
    if (next) {
      setRoving(next);
      next.focus();
    }
  }

  document.addEventListener("focusin", function (event) {
    var rows = body();
    if (rows && event.target.classList && event.target.classList.contains("qp-row-nav") && rows.contains(event.target)) {
      setRoving(event.target);
    }
  });

  initRoving();

  // --- answers of the server -----------------------------------------------------------------------

  document.addEventListener("htmx:afterSettle", function (event) {
    var row = event.detail.elt;
    if (!row || !row.classList || !row.classList.contains("qp-action-row")) {
      return;
    }
    var status = event.detail.xhr.status;
    var focus;
    if (row.classList.contains("qp-action-row--editing")) {
      focus = row.querySelector('[aria-invalid="true"]') || row.querySelector(".qp-inline-control");
      if (status === 422) {
        var error = row.querySelector(".fr-error-text:not(.qp-empty-message)");
        announce("Modification refusée : " + (error ? error.textContent.trim() : "vérifiez la ligne."));
      }
    } else {
      focus = row.querySelector(".qp-row-undo") || row.querySelector(".qp-row-edit");
      if (row.dataset.qpAnnounce) {
        announce(row.dataset.qpAnnounce);
      }
    }
    initRoving(row.querySelector(".qp-row-undo") || row.querySelector(".qp-row-edit"));
    if (focus) {
      focus.focus();
    }
  });
})();
