// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  function localTimes(form) {
    var day = form.elements.date && form.elements.date.value;
    var start = form.elements.start_time && form.elements.start_time.value;
    var end = form.elements.end_time && form.elements.end_time.value;
    if (!day || !start || !end) return null;
    var endDay = day;
    if (end === "00:00") {
      var next = new Date(day + "T12:00:00Z");
      next.setUTCDate(next.getUTCDate() + 1);
      endDay = next.toISOString().slice(0, 10);
    }
    // Naive local times: the server reads them as Europe/Oslo.
    return { start: day + "T" + start, end: endDay + "T" + end };
  }

  function kroner(value) {
    // Money arrives as a decimal string; only the separator changes, no float is involved.
    return document.documentElement.lang === "nb" ? String(value).replace(".", ",") : String(value);
  }

  function show(box, lines) {
    box.textContent = "";
    lines.forEach(function (line, index) {
      var element = document.createElement(index === 0 ? "p" : "li");
      if (index === 0) {
        var strong = document.createElement("strong");
        strong.textContent = line;
        element.appendChild(strong);
        box.appendChild(element);
        box.appendChild(document.createElement("ul")).className = "quote-lines";
      } else {
        box.querySelector("ul").appendChild(element).textContent = line;
      }
    });
  }

  // The booking form's price follows the chosen organisation, times and activity.
  function updateQuote(form, section) {
    var times = localTimes(form);
    if (!times) return;
    var box = section.querySelector("[data-quote]");
    var organisation = form.elements.organisation && form.elements.organisation.value;
    var body = {
      room: Number(section.getAttribute("data-room")),
      organisation: organisation ? Number(organisation) : null,
      start: times.start,
      end: times.end,
      children_and_youth: !!(form.elements.children_and_youth && form.elements.children_and_youth.checked)
    };
    fetch(section.getAttribute("data-quote-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        "Accept-Language": document.documentElement.lang
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (quote) {
      var head = section.getAttribute("data-template")
        .replace("{price}", kroner(quote.price)).replace("{full}", kroner(quote.full_price))
        .replace("{waived}", kroner(quote.waived));
      var lines = quote.lines.length > 1
        ? quote.lines.map(function (line) {
            return line.start.slice(11, 16) + "–" + line.end.slice(11, 16) + ": " + kroner(line.price) + " kr. " + line.reason;
          })
        : quote.reasons;
      show(box, [head].concat(lines));
    }).catch(function () {
      show(box, [section.getAttribute("data-failed")]);
    });
  }

  // Buttons marked data-print print the page (schedules, receipts, labels).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // Forms marked data-confirm ask first on a page of their own (GET, which changes
  // nothing); here that page's question opens in a dialog instead, with the same form.
  function confirmDialog() {
    var dialog = document.getElementById("confirm-dialog");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-heading");
    dialog.addEventListener("click", function (event) {
      if (event.target.closest("[data-confirm-close]")) {
        event.preventDefault();
        dialog.close();
      }
    });
    dialog.addEventListener("close", function () { dialog.textContent = ""; });
    document.body.appendChild(dialog);
    return dialog;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-confirm]") || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var question = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-confirm-body]");
        if (!question) throw new Error("no question");
        var dialog = confirmDialog();
        dialog.textContent = "";
        dialog.appendChild(document.importNode(question, true));
        dialog.showModal();
      })
      .catch(function () { window.location.href = url; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-booking-form]");
    var section = form && form.querySelector("[data-quote-url]");
    if (!section) return;
    var timer = null;
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { updateQuote(form, section); }, 250);
    });
  });
})();
