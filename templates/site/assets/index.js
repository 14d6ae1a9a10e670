// The index's filter: typing narrows every suite's table to the series whose name contains the text.
(function () {
  "use strict";
  var input = document.getElementById("filter");
  var count = document.getElementById("shown");
  if (!input) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-name]"));
  function apply() {
    var text = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = !text || row.getAttribute("data-name").indexOf(text) >= 0;
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " series shown";
  }
  input.addEventListener("input", apply);
  apply();
})();
