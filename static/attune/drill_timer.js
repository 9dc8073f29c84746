// The standup drill's five-minute timer: Start, Pause, Reset. The page works without it
// (the time is printed); the script only counts down.
(function () {
  "use strict";
  function setUp() {
    var display = document.getElementById("drill-timer");
    if (!display) { return; }
    var start = document.getElementById("drill-timer-start");
    var reset = document.getElementById("drill-timer-reset");
    var status = document.getElementById("drill-timer-status");
    var total = parseInt(display.dataset.seconds, 10) * 60;
    var left = total;
    var ticking = null;

    function show() {
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      display.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    }
    function stop() {
      if (ticking) { clearInterval(ticking); ticking = null; }
    }
    start.addEventListener("click", function () {
      if (ticking) {
        stop();
        start.textContent = "Start";
        status.textContent = "Paused.";
        return;
      }
      if (left <= 0) { left = total; show(); }
      ticking = setInterval(function () {
        left -= 1;
        show();
        if (left <= 0) {
          stop();
          status.textContent = "Time is up: debrief.";
        }
      }, 1000);
      start.textContent = "Pause";
      status.textContent = "Running.";
    });
    reset.addEventListener("click", function () {
      stop();
      left = total;
      show();
      start.textContent = "Start";
      status.textContent = "";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
