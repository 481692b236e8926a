/*
 * The send form: the turns are asked only for "my own order".
 *
 * A block marked `data-shown-for="order=custom"` is hidden unless the radio button `order`
 * of its form has the value `custom`, and follows the choice. Without this script the block
 * stays visible, with its note that it counts only for the own order (the server ignores
 * the turns for every other order).
 */
(function () {
  "use strict";

  function setup(block) {
    var form = block.closest("form");
    var rule = (block.getAttribute("data-shown-for") || "").split("=");
    if (!form || rule.length !== 2) {
      return;
    }
    var radios = form.querySelectorAll('input[type="radio"][name="' + rule[0] + '"]');
    if (!radios.length) {
      return;
    }

    function update() {
      var chosen = form.querySelector('input[type="radio"][name="' + rule[0] + '"]:checked');
      block.hidden = !chosen || chosen.value !== rule[1];
    }

    for (var i = 0; i < radios.length; i += 1) {
      radios[i].addEventListener("change", update);
    }
    update();
  }

  function start() {
    var blocks = document.querySelectorAll("[data-shown-for]");
    for (var i = 0; i < blocks.length; i += 1) {
      setup(blocks[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
