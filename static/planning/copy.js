// « Copier » on the private calendar address page: copies the input's value, says so in the live region.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".qp-copy");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector(".qp-copy-status");
  const done = (message) => {
    if (status) status.textContent = message;
  };
  input.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(
      () => done("Adresse copiée."),
      () => done("Copie impossible : sélectionnez l’adresse et copiez-la (Ctrl+C)."),
    );
  } else {
    done(document.execCommand("copy") ? "Adresse copiée." : "Sélectionnez l’adresse et copiez-la (Ctrl+C).");
  }
});
