/* Forms that guide people (the GOV.UK error pattern), loaded on every page by base.html.
 *
 * - An error summary ([data-error-summary], templates/forms/error_summary.html) takes focus on arrival,
 *   so a screen reader reads "There is a problem" and the list before anything else.
 * - Its links move focus to the field and bring the field's label or legend into view (a plain
 *   #fragment would scroll the input to the very top and hide the question above it).
 * - Messages after an action ("Saved.") are already in the page's role="status" region, but a live
 *   region only speaks what changes after it exists, so the messages are put back a moment after load.
 * Without JavaScript, all of this still reads in order and the links still jump to the fields.
 */
(function () {
  'use strict';
  if (window.belongForms) { return; }
  window.belongForms = true;

  function labelFor(input) {
    var fieldset = input.closest('fieldset');
    if (fieldset && input.type && (input.type === 'radio' || input.type === 'checkbox')) {
      var legend = fieldset.querySelector('legend');
      if (legend) { return legend; }
    }
    if (input.id) {
      var label = document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
      if (label) { return label; }
    }
    return null;
  }

  function moveToField(event) {
    var link = event.target.closest('[data-error-summary] a[href^="#"]');
    if (!link) { return; }
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) { return; }
    event.preventDefault();
    var label = labelFor(input);
    (label || input).scrollIntoView();
    input.focus({preventScroll: true});
  }

  function announceMessages(region) {
    var messages = Array.prototype.slice.call(region.childNodes);
    if (!region.textContent.trim()) { return; }
    messages.forEach(function (node) { region.removeChild(node); });
    window.setTimeout(function () {
      messages.forEach(function (node) { region.appendChild(node); });
    }, 150);
  }

  function start() {
    document.addEventListener('click', moveToField);
    var summary = document.querySelector('[data-error-summary]');
    if (summary) {
      summary.focus();
      return;
    }
    var region = document.querySelector('.messages[role="status"]');
    if (region) { announceMessages(region); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
