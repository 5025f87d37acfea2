// Only the services of the chosen site are offered (without JavaScript, every service is listed by site).
(function () {
  var services = JSON.parse(document.getElementById("services-by-site").textContent);
  var site = document.getElementById("id_site");
  var service = document.getElementById("id_service");
  if (!site || !service) { return; }
  var empty = service.options[0].cloneNode(true);
  function update() {
    var chosen = service.value;
    service.innerHTML = "";
    service.appendChild(empty.cloneNode(true));
    (services[site.value] || []).forEach(function (item) {
      var option = document.createElement("option");
      option.value = String(item[0]);
      option.textContent = item[1];
      if (option.value === chosen) { option.selected = true; }
      service.appendChild(option);
    });
    service.disabled = !site.value;
  }
  site.addEventListener("change", update);
  update();
})();
