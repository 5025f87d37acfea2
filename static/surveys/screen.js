// The hall screen reloads itself every few minutes (data-refresh-seconds) so that it shows the latest published
// results; whoever reads it may suspend that (RGAA 13.1: a time limit the user can stop) and resume it.
(() => {
  const main = document.getElementById("ecran");
  const button = document.getElementById("screen-refresh-pause");
  const status = document.getElementById("screen-refresh-status");
  const seconds = Number.parseInt(main?.dataset.refreshSeconds ?? "", 10);
  if (!main || !button || !status || !(seconds > 0)) return;
  const running = status.textContent;
  let timer = null;

  const start = () => {
    timer = window.setTimeout(() => window.location.reload(), seconds * 1000);
    button.textContent = "Suspendre l’actualisation";
    status.textContent = running;
  };
  const pause = () => {
    window.clearTimeout(timer);
    timer = null;
    button.textContent = "Reprendre l’actualisation";
    status.textContent = "Actualisation automatique suspendue.";
  };

  button.hidden = false;
  button.addEventListener("click", () => (timer === null ? start() : pause()));
  start();
})();
