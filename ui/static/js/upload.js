// Upload progress for Ponte's forms. A form marked data-upload is sent with
// XMLHttpRequest so its <progress> element can follow the bytes; the answer
// (the page after the redirect, or the form again with its errors) replaces
// <main>, as a normal submit would have shown it. Without JavaScript the form
// submits normally. No eval, no inline code: the CSP allows this file only.
(function () {
  "use strict";

  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!next || !main) {
      window.location.assign(url);
      return;
    }
    main.replaceWith(document.adoptNode(next));
    if (doc.title) {
      document.title = doc.title;
    }
    if (url && url !== window.location.href) {
      window.history.replaceState(null, "", url);
    }
    var focus = document.querySelector("main .flash, main [aria-invalid='true'], main h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus();
    }
  }

  // A form marked data-confirm asks before it is sent (deleting, for one).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") &&
        !window.confirm(form.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload") || !window.FormData) {
      return;
    }
    ev.preventDefault();
    var bar = form.querySelector("progress");
    var buttons = form.querySelectorAll("button[type='submit']");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.responseType = "text";
    if (bar) {
      bar.hidden = false;
      bar.removeAttribute("value");
    }
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
      }
    });
    xhr.addEventListener("load", function () {
      swapMain(xhr.responseText, xhr.responseURL);
    });
    xhr.addEventListener("error", function () {
      // The network failed: fall back to a normal submit, which shows the
      // browser's own error page and keeps nothing half-done on the server.
      form.removeAttribute("data-upload");
      form.submit();
    });
    xhr.send(new FormData(form));
  });
})();
