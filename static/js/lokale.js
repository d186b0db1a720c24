// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  // The booking form's price line follows the chosen times.
  function minutes(value) {
    var parts = (value || "").split(":");
    return parts.length < 2 ? NaN : Number(parts[0]) * 60 + Number(parts[1]);
  }

  function updatePrice(form) {
    var output = form.querySelector("[data-price-output]");
    if (!output) return;
    var hourly = Number(output.getAttribute("data-hourly"));
    var start = minutes(form.elements.start_time && form.elements.start_time.value);
    var end = minutes(form.elements.end_time && form.elements.end_time.value);
    if (end === 0) end = 24 * 60;
    if (isNaN(start) || isNaN(end) || end <= start) {
      output.textContent = output.getAttribute("data-empty");
      return;
    }
    var hours = (end - start) / 60;
    var full = Math.round(hourly * hours * 100) / 100;
    var text = output.getAttribute("data-template")
      .replace("{hours}", hours.toLocaleString(document.documentElement.lang))
      .replace("{price}", full.toLocaleString(document.documentElement.lang));
    output.textContent = text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-booking-form]");
    if (!form) return;
    form.addEventListener("input", function () { updatePrice(form); });
    updatePrice(form);
  });
})();
