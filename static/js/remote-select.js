/*
 * A <select data-remote-options="URL"> becomes a searchable field (tom-select). With
 * `data-options-complete` every option is in the page already (a short list,
 * partners/widgets.py): tom-select searches those and asks no server. Otherwise only the
 * chosen one is: it asks URL for matching options as the user types.
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
    if (select.hasAttribute("data-options-complete")) {
      var local = new window.TomSelect(select, {
        allowEmptyOption: true,
        closeAfterSelect: true,
        maxOptions: null,
        render: render,
      });
      local.input.setAttribute("aria-hidden", "true");
      return;
    }
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
