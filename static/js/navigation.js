// The header's "Manage" disclosure (<details>) opens and closes with Enter or Space without any script;
// this adds what a menu is expected to do as well: Escape closes it and puts focus back on its button,
// and a click or focus outside it closes it.
(function () {
  "use strict";
  document.querySelectorAll("details.manage-disclosure").forEach(function (menu) {
    var summary = menu.querySelector("summary");
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        summary.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    menu.addEventListener("focusout", function (event) {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
    });
  });
})();
