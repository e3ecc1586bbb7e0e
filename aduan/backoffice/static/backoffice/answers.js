// Answers that help: "Pakai sebagai awal" copies an earlier answer of the agency
// into the follow-up's (or final answer's) text, to be edited there; nothing is
// sent until the official submits that form. Without this script the buttons stay
// hidden and the answers are shown to copy by hand.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-answer-text]");
  Array.prototype.forEach.call(buttons, function (button) {
    var target = document.getElementById(button.getAttribute("data-answer-target"));
    if (!target) {
      return;
    }
    var text = button.getAttribute("data-answer-text");
    button.hidden = false;
    button.addEventListener("click", function () {
      // What the official already wrote is replaced only when they say so.
      if (target.value.trim() && target.value !== text) {
        if (!window.confirm(button.getAttribute("data-confirm") || "")) {
          return;
        }
      }
      target.value = text;
      target.focus();
    });
  });
})();
