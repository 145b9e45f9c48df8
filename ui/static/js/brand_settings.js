// brand_settings.js: live preview of the brand colour on the settings page.
// The preview button and link take the picked colour, and the contrast of
// white text on it is shown (WCAG 2.1; the server refuses below 4.5:1).
(function () {
  function lin(c) {
    c /= 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function ratio(hex) {
    var v = parseInt(hex.slice(1), 16);
    var l = 0.2126 * lin(v >> 16 & 255) + 0.7152 * lin(v >> 8 & 255) + 0.0722 * lin(v & 255);
    return 1.05 / (l + 0.05);
  }
  function update(input) {
    var box = input.closest('.brand-colour');
    var preview = box && box.querySelector('.brand-preview');
    var out = box && box.querySelector('.brand-ratio');
    if (!preview || !out || !/^#[0-9a-fA-F]{6}$/.test(input.value)) return;
    preview.style.setProperty('--brand', input.value);
    var r = Math.floor(ratio(input.value) * 100) / 100;
    var min = parseFloat(input.getAttribute('data-contrast-min')) || 4.5;
    var tpl = out.getAttribute(r >= min ? 'data-ok' : 'data-low') || '{ratio}';
    out.textContent = tpl.replace('{ratio}', r.toLocaleString(document.documentElement.lang, {minimumFractionDigits: 2, maximumFractionDigits: 2}));
    out.classList.toggle('is-low', r < min);
    preview.classList.toggle('is-low', r < min);
  }
  function init() {
    var input = document.getElementById('f-primary_colour');
    if (input) update(input);
  }
  // Delegated, so the preview keeps working after upload.js swaps <main>
  // (a refused save) without this script running again.
  document.addEventListener('input', function (ev) {
    if (ev.target && ev.target.id === 'f-primary_colour') update(ev.target);
  });
  document.addEventListener('DOMContentLoaded', init);
  new MutationObserver(init).observe(document.body || document.documentElement, {childList: true});
})();
