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
        // The text is on <body> (templates/base.html), once for every select of the page.
        var text = (document.body.getAttribute("data-no-results") || "{query}").replace(
          "{query}",
          data.input
        );
        return '<div class="no-results">' + escape(text) + "</div>";
      },
    };
    var url = select.getAttribute("data-remote-options");
    // Answers can arrive out of order (the options on focus after those of what was typed
    // since): only the answer to the latest question is shown.
    var latest = 0;
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
      // A short list is in the page already: the first 20 are asked for only for a long one.
      preload: select.hasAttribute("data-options-complete") ? false : "focus",
      loadThrottle: 250,
      // The list refreshes at once (the server's answer is throttled above): a delayed
      // refresh of a field already left would open its list and take the focus away.
      refreshThrottle: 0,
      allowEmptyOption: true,
      closeAfterSelect: true,
      render: render,
      load: function (query, callback) {
        var self = this;
        var asked = ++latest;
        var separator = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + separator + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            // An answer overtaken by a newer question, or one for a field the user has left
            // (tom-select would open its list and take the focus from the field being typed
            // in): not shown, and asked again when needed.
            if (asked !== latest || document.activeElement !== self.control_input) {
              delete self.loadedSearches[query];
              self.isFocused = self.isFocused && document.activeElement === self.control_input;
              callback();
              return;
            }
            // Only this query's matches: forget earlier ones, but not the chosen item.
            // (Not clearOptions(): it adds the chosen item again, which closes the dropdown
            // and empties what was typed meanwhile.)
            Object.keys(self.options).forEach(function (value) {
              if (self.items.indexOf(value) === -1) {
                self.removeOption(value, true);
              }
            });
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
