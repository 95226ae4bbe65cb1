// Names for the admin's script-built widgets, which Django's own scripts leave unnamed:
// - the autocomplete pickers (select2): the combobox is labelled by the original <select>'s label, and
//   the box showing the choice gets the same name (select2 names them only by the current choice,
//   which is empty before one is made);
// - the filter_horizontal search icons: a <span> may not carry aria-label without a role; as an image
//   it may, and its tooltip text stays available.
(function () {
  "use strict";

  function labelText(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:\s]+$/, "").trim() : "";
  }

  function nameWidgets(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = labelText(select);
      var container = select.nextElementSibling;
      if (!name || !container || !container.classList.contains("select2")) return;
      container.querySelectorAll(".select2-selection").forEach(function (box) {
        box.setAttribute("aria-label", name);
        box.removeAttribute("aria-labelledby");
      });
      container.querySelectorAll(".select2-selection__rendered").forEach(function (shown) {
        shown.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // The widgets are built by jQuery ready handlers, window load handlers and inline "add another row":
  // naming them as soon as they appear covers all three, before anyone can reach them.
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.queueMicrotask(function () {
      pending = false;
      nameWidgets(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  nameWidgets(document);
})();
