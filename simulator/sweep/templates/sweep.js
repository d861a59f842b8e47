"use strict";
(function () {
  // A reproduction command's copy button: the clipboard when the browser allows it
  // (file:// pages often may not), else the command selected for Ctrl+C.
  function select(code) {
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function say(button, text) {
    button.textContent = text;
    window.setTimeout(function () { button.textContent = "copy"; }, 2000);
  }

  document.querySelectorAll(".command button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      const code = button.parentElement.querySelector("code");
      const fallback = function () { select(code); say(button, "selected: Ctrl+C"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code.textContent).then(function () { say(button, "copied"); }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
