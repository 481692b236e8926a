// The network map (outreach): draws the nodes and edges the server placed (preset layout,
// no force layout here), opens a node's page on click or tap. The time to draw is put on
// the container as data-drawn-ms when Cytoscape is ready, for the browser test.
(function () {
  "use strict";

  function draw() {
    var container = document.getElementById("network-map");
    if (!container || typeof window.cytoscape !== "function") {
      return;
    }
    var started = performance.now();
    var elements = JSON.parse(document.getElementById(container.dataset.elements).textContent);
    var stage = {
      prospect: "#8a8a8a",
      approached: "#d97706",
      in_conversation: "#d97706",
      committed: "#15803d",
      signed: "#15803d",
      paused: "#444444",
      ended: "#444444"
    };
    var style = [
      { selector: "node", style: { "label": "data(label)", "font-size": 9, "min-zoomed-font-size": 8, "text-valign": "bottom", "text-margin-y": 2, "color": "#222", "text-wrap": "ellipsis", "text-max-width": 120 } },
      { selector: "node.organisation", style: { "width": "data(size)", "height": "data(size)", "border-width": 3 } },
      { selector: ".kind-business", style: { "background-color": "#1f6fb2" } },
      { selector: ".kind-school", style: { "background-color": "#2e8540" } },
      { selector: ".kind-government", style: { "background-color": "#b35900" } },
      { selector: ".kind-other", style: { "background-color": "#6c757d" } },
      { selector: "node.network", style: { "shape": "round-rectangle", "background-color": "#6f42c1", "width": 46, "height": 30, "font-size": 11, "font-weight": "bold", "min-zoomed-font-size": 0 } },
      { selector: "node.activity", style: { "shape": "diamond", "background-color": "#ffc107", "width": 22, "height": 22 } },
      { selector: "edge", style: { "width": 1, "line-color": "#c8c8c8", "curve-style": "haystack" } }
    ];
    Object.keys(stage).forEach(function (name) {
      var rule = { "border-color": stage[name] };
      if (name === "prospect") {
        rule["border-style"] = "dashed";
      }
      style.push({ selector: ".stage-" + name, style: rule });
    });
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 20 },
      style: style,
      minZoom: 0.05,
      maxZoom: 4,
      wheelSensitivity: 0.3,
      textureOnViewport: true,
      hideEdgesOnViewport: elements.nodes.length > 500,
      autoungrabify: true,
      boxSelectionEnabled: false
    });
    cy.ready(function () {
      container.dataset.nodes = String(cy.nodes().length);
      // The next frame is the first one with the graph painted.
      window.requestAnimationFrame(function () {
        container.dataset.drawnMs = String(Math.round(performance.now() - started));
      });
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) {
        window.location.assign(url);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
