/*
 * Sterk's own behaviour on every page; a static file because the Content-Security-Policy
 * runs no inline script without the page's nonce, and no eval (htmx event filters such as
 * hx-trigger="every 10s [...]" are compiled with Function(), so none are used).
 */
(function () {
  "use strict";

  // An element that polls with hx-trigger="every …" and data-poll-pause="SELECTOR" skips a
  // poll while something inside it matches SELECTOR (a round's open actions menu would be
  // replaced under the pointer otherwise).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    var selector = element && element.getAttribute && element.getAttribute("data-poll-pause");
    if (selector && element.querySelector(selector)) {
      event.preventDefault();
    }
  });
})();
