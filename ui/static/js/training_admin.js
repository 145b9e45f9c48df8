// Question form of the course editor: shows the option rows or the
// true/false choice for the chosen kind, and lets a single-choice question
// tick one option only. Without JavaScript both stay visible and the server
// reads what fits the kind.
(function () {
  "use strict";
  function setup() {
    var kind = document.getElementById("f-kind");
    if (!kind) {
      return;
    }
    var form = kind.form;
    function sync() {
      var tf = kind.value === "truefalse";
      form.querySelectorAll(".ta-option, #h-options").forEach(function (el) {
        el.hidden = tf;
      });
      form.querySelectorAll(".ta-tf").forEach(function (el) {
        el.hidden = !tf;
      });
    }
    kind.addEventListener("change", sync);
    form.addEventListener("change", function (ev) {
      var box = ev.target;
      if (kind.value !== "single" || box.name !== "correct" || !box.checked) {
        return;
      }
      form.querySelectorAll('input[name="correct"]').forEach(function (other) {
        if (other !== box) {
          other.checked = false;
        }
      });
    });
    sync();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
