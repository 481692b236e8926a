/*
 * The pipeline board (templates/partners/organisations/board.html): drag a card to another
 * column to move the organisation to that stage. The drop posts the card's own form (its
 * CSRF token, the chosen stage) to the same URL as its "Move" button, asking for JSON; on
 * failure the card goes back where it was and the live region says why. The select and
 * button stay for keyboards and screen readers, and without JavaScript.
 */
(function () {
  "use strict";

  var board, status;

  function say(text, failed) {
    if (!status) {
      return;
    }
    var message = document.createElement("p");
    message.className = "alert py-2 " + (failed ? "alert-danger" : "alert-success");
    message.textContent = text;
    status.replaceChildren(message);
  }

  function count(list, delta) {
    var column = list.closest("[data-stage-column]");
    var badge = column && column.querySelector("[data-stage-count]");
    if (!badge) {
      return;
    }
    var value = parseInt(badge.getAttribute("data-stage-count"), 10) + delta;
    badge.setAttribute("data-stage-count", String(value));
    badge.textContent = new Intl.NumberFormat(document.documentElement.lang || undefined).format(
      value
    );
  }

  function putBack(card, from, oldIndex) {
    var items = from.children;
    from.insertBefore(card, oldIndex < items.length ? items[oldIndex] : null);
  }

  function reason(code, body) {
    if (body && body.message) {
      return body.message;
    }
    if (code === 403) {
      return board.getAttribute("data-msg-forbidden");
    }
    if (code === 404) {
      return board.getAttribute("data-msg-missing");
    }
    return board.getAttribute("data-msg-failed");
  }

  function moved(event) {
    var card = event.item;
    var from = event.from;
    var to = event.to;
    if (from === to) {
      return;
    }
    var form = card.querySelector("form");
    var stage = to.getAttribute("data-stage-list");
    var data = new FormData(form);
    data.set("stage", stage);
    card.setAttribute("aria-busy", "true");
    fetch(card.getAttribute("data-move-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            return { ok: response.ok, status: response.status, body: body };
          });
      })
      .then(function (result) {
        if (result.ok && result.body.stage === stage) {
          // Latest first, as the server orders a column.
          to.insertBefore(card, to.firstElementChild);
          form.querySelector("select[name=stage]").value = stage;
          count(from, -1);
          count(to, 1);
          say(result.body.message, false);
        } else {
          putBack(card, from, event.oldIndex);
          say(reason(result.status, result.body), true);
        }
      })
      .catch(function () {
        putBack(card, from, event.oldIndex);
        say(board.getAttribute("data-msg-failed"), true);
      })
      .then(function () {
        card.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    board = document.querySelector("[data-pipeline-board][data-can-move]");
    status = document.querySelector("[data-board-status]");
    if (!board || typeof window.Sortable === "undefined") {
      return;
    }
    board.querySelectorAll("[data-stage-list]").forEach(function (list) {
      window.Sortable.create(list, {
        group: "pipeline",
        draggable: "[data-move-url]",
        // The card's link, select and button keep working; a drag starts elsewhere on it.
        filter: "a, select, option, button, input, label",
        preventOnFilter: false,
        // The order inside a column is the server's (latest move first): only another
        // column counts.
        sort: false,
        // Mouse and touch events instead of the browser's native drag (more predictable,
        // and the same in every browser).
        forceFallback: true,
        fallbackTolerance: 4,
        ghostClass: "board-ghost",
        chosenClass: "board-chosen",
        dragClass: "board-drag",
        animation: 150,
        onEnd: moved,
      });
    });
  });
})();
