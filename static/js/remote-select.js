/*
 * A <select data-remote-options="URL"> becomes a searchable field (tom-select) that asks URL
 * for matching options as the user types. A short list (`data-options-complete`,
 * partners/widgets.py) has every option in the page for use without JavaScript; the search
 * still asks the server, as for a long one (searching in the page instead made the
 * contribution form's live preview miss keystrokes in the browser test).
 * Without JavaScript, or when the vendored script did not load, the plain select stays (with
 * a search box for a long list, in <noscript>).
 */
(function () {
  "use strict";

  function upgrade(select) {
    if (select.tomselect || typeof window.TomSelect === "undefined") {
      return;
    }
    var render = {
      // In the page's language (partners/widgets.py), not tom-select's English.
      no_results: function (data, escape) {
        var text = (select.getAttribute("data-no-results") || "%s").replace("%s", data.input);
        return '<div class="no-results">' + escape(text) + "</div>";
      },
    };
    var url = select.getAttribute("data-remote-options");
    var control = new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      // The server has filtered already: show what it sends, in its order.
      score: function () {
        return function () {
          return 1;
        };
      },
      sortField: [{ field: "$order" }],
      maxOptions: 20,
      preload: "focus",
      loadThrottle: 250,
      allowEmptyOption: true,
      closeAfterSelect: true,
      render: render,
      load: function (query, callback) {
        var self = this;
        var separator = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + separator + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            // Only this query's matches: forget earlier ones (the chosen item stays).
            self.clearOptions();
            self.loadedSearches = {};
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
    });
    // The label now names tom-select's input; the original select stays in the form for
    // submitting but leaves the accessibility tree, so it is not announced twice unnamed.
    control.input.setAttribute("aria-hidden", "true");
  }

  function upgradeAll(root) {
    if (root && root.querySelectorAll) {
      root.querySelectorAll("select[data-remote-options]").forEach(upgrade);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    upgradeAll(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    upgradeAll(event.target);
  });
})();
