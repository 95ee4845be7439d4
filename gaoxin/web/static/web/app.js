/* Gaoxin web: small behaviours shared by every page (no inline scripts: CSP script-src 'self'). */
(function () {
  "use strict";
  // A print button (the 派遣单): the browser's print dialog.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // Category suggestion chips: pick the suggested category in the target <select>.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest(".js-pick");
    if (!chip) return;
    var select = document.getElementById(chip.dataset.target || "id_category");
    if (select) {
      select.value = chip.dataset.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      chip.classList.add("picked");
    }
  });
  // Photo inputs: show a preview of the chosen image(s) (blob: URLs, allowed by img-src).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.files) return;
    var box = input.parentElement.querySelector(".preview");
    if (!box) {
      box = document.createElement("div");
      box.className = "preview thumbs";
      input.insertAdjacentElement("afterend", box);
    }
    box.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      if (!/^image\//.test(file.type)) return;
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      box.appendChild(img);
    });
  });
})();
