// Names for the admin's script-built widgets, which Django's own scripts leave unnamed:
// - the autocomplete pickers (select2): the combobox is labelled by the original <select>'s label, and
//   the box showing the choice gets the same name (select2 names them only by the current choice,
//   which is empty before one is made);
// - the filter_horizontal search icons: a <span> may not carry aria-label without a role; as an image
//   it may, and its tooltip text stays available;
// - django-modeltranslation's language tabs (jQuery UI): each <li role="tab"> holds a link, a focusable
//   control inside a control; the tab itself takes focus and keys, so the link loses its href (kept in
//   data-href). jQuery UI tells a local tab from one to fetch by the link's href, so its _isLocal is taught
//   data-href: without that, choosing a tab would fetch the page into the panel and lose the fields;
// - modeltranslation's "all fields in one language" select, which has no label.
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
    teachTabsDataHref();
    root.querySelectorAll('.ui-tabs-nav [role="tab"] a[href]').forEach(function (link) {
      link.dataset.href = link.getAttribute("href");
      link.removeAttribute("href");
      link.removeAttribute("tabindex");
      link.setAttribute("role", "presentation");
    });
    var languageSwitch = root.querySelector("#modeltranslation-main-switch:not([aria-label])");
    if (languageSwitch) {
      var lang = (document.documentElement.lang || "en").toLowerCase();
      languageSwitch.setAttribute("aria-label", SWITCH_LABELS[lang] || SWITCH_LABELS[lang.split("-")[0]] || SWITCH_LABELS.en);
    }
  }

  function teachTabsDataHref() {
    [window.jQuery, window.django && window.django.jQuery].forEach(function ($) {
      var tabs = $ && $.ui && $.ui.tabs && $.ui.tabs.prototype;
      if (!tabs || tabs._belongDataHref) return;
      var isLocal = tabs._isLocal;
      tabs._isLocal = function (anchor) {
        return anchor.hasAttribute("data-href") || isLocal.call(this, anchor);
      };
      tabs._belongDataHref = true;
    });
  }

  // The admin's own catalogue (jsi18n) is not on every admin page, so the one string is kept here.
  var SWITCH_LABELS = {
    en: "Show every field in this language",
    es: "Mostrar todos los campos en este idioma",
    ar: "اعرض كل الحقول بهذه اللغة",
    "zh-hans": "以此语言显示所有字段",
    zh: "以此语言显示所有字段",
    vi: "Hiển thị mọi trường bằng ngôn ngữ này",
    pt: "Mostrar todos os campos neste idioma",
    ht: "Montre tout chan yo nan lang sa a",
  };

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
