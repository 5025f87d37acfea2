// « Imprimer l'affiche »: a listener instead of an onclick attribute, which the Content-Security-Policy refuses.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
