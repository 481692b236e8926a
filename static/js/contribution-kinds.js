/*
 * The contribution form shows only the inputs of the chosen kind. Without JavaScript every
 * fieldset shows, and the server uses only the chosen kind's inputs.
 */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("contribution-form");
    var kind = form && form.elements.namedItem("kind");
    if (!kind) {
      return;
    }
    function showInputs() {
      form.querySelectorAll("[data-contribution-kinds]").forEach(function (fieldset) {
        var kinds = fieldset.getAttribute("data-contribution-kinds").split(" ");
        fieldset.hidden = kinds.indexOf(kind.value) === -1;
      });
    }
    kind.addEventListener("change", showInputs);
    showInputs();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
