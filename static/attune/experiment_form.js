// The experiment form: choosing a program narrows the cohort list at once, so the
// "Show its cohorts" button (which does the same on the server) is not needed.
document.addEventListener("DOMContentLoaded", function () {
  var program = document.getElementById("id_program");
  var cohort = document.getElementById("id_cohort");
  var button = document.querySelector("[data-narrow]");
  if (!program || !cohort) return;
  function narrow() {
    Array.prototype.forEach.call(cohort.options, function (option) {
      var other = program.value && option.dataset.program && option.dataset.program !== program.value;
      option.hidden = Boolean(other);
      option.disabled = Boolean(other);
      if (other && option.selected) cohort.value = "";
    });
  }
  program.addEventListener("change", narrow);
  if (button) button.parentNode.remove(); // so Enter submits the form itself
  narrow();
});
