// Copy buttons. <p data-copy="FIELD_ID" data-copy-label="Copy the link"></p> becomes a
// button that copies the field's value, and a status that says so. Without JavaScript
// there is no button: the field itself can still be selected and copied by hand.
(function () {
  "use strict";

  function selectAndCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(field, status) {
    var done = function () { status.textContent = "Copied."; };
    var fallback = function () {
      if (selectAndCopy(field)) {
        done();
      } else {
        status.textContent = "Could not copy: the link is selected, copy it with your keyboard.";
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  function attach(slot) {
    var field = document.getElementById(slot.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = slot.getAttribute("data-copy-label") || "Copy";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    button.addEventListener("click", function () { copy(field, status); });
    slot.appendChild(button);
    slot.appendChild(document.createTextNode(" "));
    slot.appendChild(status);
  }

  document.querySelectorAll("[data-copy]").forEach(attach);
})();
