// Managers' ranking: a checkbox in the header ticks or unticks every row of the page.
(function () {
  "use strict";
  var all = document.getElementById("tick-all");
  if (!all) {
    return;
  }
  var boxes = function () {
    return document.querySelectorAll("#ranking input.tick");
  };
  all.addEventListener("change", function () {
    boxes().forEach(function (box) {
      box.checked = all.checked;
    });
  });
  document.getElementById("ranking").addEventListener("change", function (event) {
    if (!event.target.classList.contains("tick")) {
      return;
    }
    var list = Array.prototype.slice.call(boxes());
    all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
  });
})();
