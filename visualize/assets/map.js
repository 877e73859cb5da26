// Draws the map of the page: the data is the JSON block #turva-map-data, the canvas #turva-map.
// Inlined unchanged into every map (write_html.map_js): its SHA-256 is in the service's
// Content-Security-Policy, so no inline event handler or javascript: URL may be added to a
// map's HTML; bind events here instead.
(function () {
  "use strict";
  var container = document.getElementById("turva-map");
  var data = JSON.parse(document.getElementById("turva-map-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var started = performance.now();
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  var state = {network: network, nodes: nodes, edges: edges, stable: false, stableAfterMs: null};
  window.turvaMap = state;
  // one tab stop for the map: vis-network's own frame, which takes the arrow and zoom keys,
  // named like the container (the container itself is no tab stop: its keys never reach
  // the frame inside it)
  var frame = container.querySelector(".vis-network");
  if (frame) {
    frame.setAttribute("tabindex", "0");
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-label", container.getAttribute("aria-label") || "");
    frame.setAttribute("aria-describedby", "turva-map-text");
    container.removeAttribute("tabindex");
  }
  function settled() {
    if (state.stable) { return; }
    state.stable = true;
    state.stableAfterMs = performance.now() - started;
    // a still map costs the browser nothing; dragging a node still works
    network.setOptions({physics: false});
    container.setAttribute("data-stable", "true");
  }
  if (data.options.physics && data.options.physics.enabled === false) {
    network.once("afterDrawing", settled);
  } else {
    network.once("stabilizationIterationsDone", settled);
    network.once("stabilized", settled);
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var node = nodes.get(params.nodes[0]);
    if (node && node.url) { window.location.href = node.url; }
  });
  network.on("hoverNode", function (params) {
    var node = nodes.get(params.node);
    container.style.cursor = node && node.url ? "pointer" : "default";
  });
  network.on("blurNode", function () { container.style.cursor = "default"; });
})();
