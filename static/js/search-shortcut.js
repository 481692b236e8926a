/*
 * The header's search box (templates/base.html, sterk/search.py): "/" (outside a field) or
 * Ctrl+K / Cmd+K (anywhere) puts the cursor in it. When the box is hidden (the menu folded
 * on a narrow screen) the search page opens instead, with its own box focused.
 */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) {
      return false;
    }
    return Boolean(
      target.isContentEditable || target.closest("input, textarea, select, [contenteditable]")
    );
  }

  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("header-search");
    if (!box || event.defaultPrevented || event.altKey) {
      return;
    }
    var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !typing(event.target);
    var command = (event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey);
    if (!slash && !command) {
      return;
    }
    event.preventDefault();
    if (box.offsetParent === null) {
      window.location.assign(box.form.action);
      return;
    }
    box.focus();
    box.select();
  });
})();
