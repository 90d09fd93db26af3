// Progressive enhancement only: every page of the portal works without this file (UX-3).
(function () {
  'use strict';

  // The print button needs a script; without one the page tells how to print instead.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });
  document.querySelectorAll('.print-hint').forEach(function (hint) {
    hint.hidden = true;
  });

  // Sessions do not slide (ADR 0006): say so two minutes before the end, where screen readers hear it.
  var note = document.querySelector('[data-expires-at]');
  if (note) {
    var ends = Date.parse(note.getAttribute('data-expires-at') || '');
    var warning = note.getAttribute('data-warning');
    if (!isNaN(ends) && warning) {
      window.setTimeout(
        function () {
          note.textContent = warning;
          note.classList.add('session-ending');
          note.setAttribute('role', 'alert');
        },
        Math.max(0, ends - 2 * 60 * 1000 - Date.now()),
      );
    }
  }
})();
