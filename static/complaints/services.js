// The service list of a register form offers only the services of the chosen site (each option carries its
// site in data-site). Without JavaScript every service is listed, labelled with its site, and the server refuses
// a service of another site.
(function () {
  "use strict";
  document.querySelectorAll("select[data-services-of]").forEach(function (service) {
    var site = service.form && service.form.elements.namedItem(service.getAttribute("data-services-of"));
    if (!site || site.tagName !== "SELECT") {
      return;
    }
    // Options are moved out of the list rather than hidden: hidden options still show in some browsers' pickers.
    var groups = Array.prototype.slice.call(service.querySelectorAll("optgroup"));
    var holder = document.createElement("select");
    function update() {
      var chosen = site.value;
      groups.forEach(function (group) {
        var mine = Array.prototype.some.call(group.querySelectorAll("option"), function (option) {
          return option.getAttribute("data-site") === chosen;
        });
        if (mine && group.parentNode !== service) {
          service.appendChild(group);
        } else if (!mine && group.parentNode === service) {
          if (group.querySelector("option:checked")) {
            service.value = "";
          }
          holder.appendChild(group);
        }
      });
    }
    site.addEventListener("change", update);
    update();
  });
})();
