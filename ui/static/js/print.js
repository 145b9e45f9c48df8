// print.js: buttons marked data-print open the browser's print dialog (the
// certificate page; its print stylesheet hides the portal around it).
document.addEventListener('click', function (ev) {
  var btn = ev.target.closest && ev.target.closest('[data-print]');
  if (btn) {
    ev.preventDefault();
    window.print();
  }
});
