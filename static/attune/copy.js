// Copy buttons: <button data-copy="FIELD_ID" hidden> copies the field's value and says so
// in <span data-copy-status="FIELD_ID" role="status">. The button stays hidden without
// JavaScript; the field itself can always be selected and copied by hand.
(function () {
  "use strict";

  function say(id, text) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) {
      status.textContent = text;
    }
  }

  function selectAndCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var id = button.getAttribute("data-copy");
    var field = document.getElementById(id);
    if (!field) {
      return;
    }
    var done = function () { say(id, "Copied."); };
    var failed = function () {
      if (selectAndCopy(field)) {
        done();
      } else {
        say(id, "Could not copy: the link is selected, copy it with your keyboard.");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, failed);
    } else {
      failed();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
