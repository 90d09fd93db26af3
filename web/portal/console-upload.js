// UX-4, progressive enhancement: the upload page moves its bar by itself while the list loads. Without
// this file the page has a "refresh" link that shows the same figures.
(function () {
  'use strict';

  var box = document.querySelector('[data-progress-url]');
  if (!box) return;
  var url = box.getAttribute('data-progress-url');
  if (!url) return;
  var bar = box.querySelector('progress');
  var count = box.querySelector('.upload-count');
  var template = box.getAttribute('data-text-template') || '';
  var language = document.documentElement.lang === 'en' ? 'en-GB' : 'it-IT';
  var number = new Intl.NumberFormat(language);

  function show(upload) {
    var total = upload.rowsTotal;
    if (bar && total !== null) {
      bar.max = total;
      bar.value = upload.rowsRead;
    }
    if (count) {
      var percent = total ? Math.min(100, Math.floor((upload.rowsRead / total) * 100)) : '?';
      count.textContent = template
        .replace('{read}', number.format(upload.rowsRead))
        .replace('{total}', total === null ? '?' : number.format(total))
        .replace('{percent}', String(percent));
    }
  }

  function poll() {
    window
      .fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('progress ' + response.status);
        return response.json();
      })
      .then(function (upload) {
        show(upload);
        // The end: the page itself shows the counts and the rejection report.
        if (upload.status !== 'running') window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // The refresh link still works; try again a little later.
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 500);
})();
