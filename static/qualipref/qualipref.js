// Every page of the application (base.html): what the RGAA asks of all of them and a template cannot do alone.
(() => {
  // A form sent back by the server with errors: the title says so first and the focus goes to the summary of
  // the errors (or, without one, to the first invalid field), as the DSFR and the RGAA (11.10, 11.11) ask.
  const announceFormErrors = () => {
    const summary = document.querySelector("[data-qp-form-errors]");
    const invalid = document.querySelector(
      "#content [aria-invalid='true'], #content .fr-input-group--error input, " +
        "#content .fr-input-group--error select, #content .fr-input-group--error textarea, " +
        "#content .fr-select-group--error select, #content .fr-fieldset--error input"
    );
    const target = summary ?? invalid;
    if (!target) return;
    if (!document.title.startsWith("Erreur")) document.title = `Erreur : ${document.title.trim()}`;
    if (target === summary && !summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  };

  // A table wider (or taller) than its container scrolls inside it: the scrolling box must be reachable with the
  // keyboard and named (RGAA 7.3 / 12.8, axe-core's scrollable-region-focusable). Only while it does scroll, so
  // that a table that fits adds no Tab stop.
  const SCROLLERS = ".fr-table__container, [data-qp-scroll-region]";
  const label = (box) =>
    box.dataset.qpScrollLabel ??
    box.querySelector("caption")?.textContent.trim().replace(/\s+/g, " ") ??
    "Tableau";
  const updateScroller = (box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${label(box)} (défilant)`);
      box.dataset.qpScrollManaged = "";
    } else if (!scrolls && "qpScrollManaged" in box.dataset) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.qpScrollManaged;
    }
  };
  const watchScrollers = (root) => {
    const observer = new ResizeObserver((entries) =>
      entries.forEach((entry) => updateScroller(entry.target.closest(SCROLLERS)))
    );
    root.querySelectorAll(SCROLLERS).forEach((box) => {
      updateScroller(box);
      observer.observe(box);
      const table = box.querySelector("table");
      if (table) observer.observe(table);
    });
  };

  const start = () => {
    watchScrollers(document);
    announceFormErrors();
    // Rows swapped in by htmx (inline edits) may widen a table.
    document.body.addEventListener("htmx:afterSettle", () =>
      document.querySelectorAll(SCROLLERS).forEach(updateScroller)
    );
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
