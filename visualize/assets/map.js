// Draws the map of the page: the data is the JSON block #turva-map-data, the canvas #turva-map.
// Inlined unchanged into every map (write_html.map_js): its SHA-256 is in the service's
// Content-Security-Policy, so no inline event handler or javascript: URL may be added to a
// map's HTML; bind events here instead. Words come from the data block (data.words), never
// from this file: it is the same script in every language.
//
// What it does besides drawing: labels readable at the first zoom (data.minLabelPx on
// screen), the minor nodes' labels on hover, selection or zoom; zoom and fit buttons; a
// search box; a first click (or a search, or a neighbour's button) highlights the node and
// its neighbours, dims the rest and fills the side panel; a second click on the same node
// opens its page; the focused node is kept in the URL (data.focusParam).
(function () {
  "use strict";
  var container = document.getElementById("turva-map");
  var data = JSON.parse(document.getElementById("turva-map-data").textContent);
  var words = data.words || {};
  var minPx = data.minLabelPx || 12;
  var focusParam = data.focusParam || "focus";
  // dimmed nodes and lines: faint, but still there to show the shape of the network
  var DIM = 0.18;
  // zoomed in this much past the first zoom, every label shows
  var ALL_LABELS_AT = 1.6;
  var FONT = {face: "sans-serif", color: "#1f1f1f", strokeWidth: 3, strokeColor: "#ffffff"};
  var byId = {};
  var text = {};
  data.nodes.forEach(function (n) {
    byId[n.id] = n;
    text[n.id] = n.label || "";
    if (n.labelled === false) { n.label = ""; }
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var started = performance.now();
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  var state = {
    network: network, nodes: nodes, edges: edges, stable: false, stableAfterMs: null,
    selected: null, highlighted: null, hovered: null, fontSize: null, initialScale: null,
    allLabels: false
  };
  window.turvaMap = state;
  var status = document.getElementById("turva-map-status");
  var panel = document.getElementById("turva-map-panel");

  function say(message, params) {
    return String(message || "").replace(/%\((\w+)\)s/g, function (all, key) {
      return params && params[key] !== undefined ? String(params[key]) : all;
    });
  }
  function announce(message) {
    if (status) {
      status.textContent = message || "";
    }
  }

  // one tab stop for the map: vis-network's own frame, which takes the arrow and zoom keys,
  // named like the container (the container itself is no tab stop: its keys never reach
  // the frame inside it)
  var frame = container.querySelector(".vis-network");
  if (frame) {
    frame.setAttribute("tabindex", "0");
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-label", container.getAttribute("aria-label") || "");
    if (container.hasAttribute("aria-describedby")) {
      frame.setAttribute("aria-describedby", container.getAttribute("aria-describedby"));
    }
    container.removeAttribute("tabindex");
  }

  // --- labels ------------------------------------------------------------------------
  function font(id, dim) {
    var size = state.fontSize || (data.options.nodes && data.options.nodes.font.size) || 14;
    return {
      size: byId[id] && byId[id].centre ? Math.round(size * 1.3) : size,
      face: FONT.face,
      color: dim ? "#c4c4c4" : FONT.color,
      strokeWidth: FONT.strokeWidth,
      strokeColor: FONT.strokeColor
    };
  }
  function shown(id) {
    var n = byId[id];
    return n.labelled !== false || state.allLabels || state.hovered === id ||
      !!(state.highlighted && state.highlighted[id]);
  }
  function look(id) {
    var dim = !!(state.highlighted && !state.highlighted[id]);
    return {id: id, label: shown(id) ? text[id] : "", font: font(id, dim), opacity: dim ? DIM : 1};
  }
  function restyle() {
    nodes.update(nodes.getIds().map(look));
    var lit = state.highlighted;
    edges.update(edges.get().map(function (e) {
      var dim = !!(lit && !(e.from === state.selected || e.to === state.selected));
      return {id: e.id, color: {opacity: dim ? DIM : 1}};
    }));
  }

  // the first zoom: the whole map, its labels at least minPx on screen (a bigger font for
  // a map drawn small; zoomed in around the middle when even that is not enough)
  function readable() {
    network.fit({animation: false});
    var scale = network.getScale() || 1;
    state.fontSize = Math.min(Math.max(Math.ceil((minPx + 0.5) / scale), 14), 40);
    restyle();
    network.fit({animation: false});
    scale = network.getScale() || 1;
    if (state.fontSize * scale < minPx) {
      network.moveTo({scale: (minPx + 0.25) / state.fontSize, animation: false});
    }
    state.initialScale = network.getScale();
  }
  // after every drawing, not on "zoom" alone: the buttons and a focus move the view too
  network.on("afterDrawing", function () {
    if (!state.initialScale) { return; }
    var all = network.getScale() >= state.initialScale * ALL_LABELS_AT;
    if (all !== state.allLabels) {
      state.allLabels = all;
      restyle();
    }
  });
  network.on("hoverNode", function (params) {
    var node = byId[params.node];
    container.style.cursor = node && node.url ? "pointer" : "default";
    state.hovered = params.node;
    if (node && text[params.node] && nodes.get(params.node).label === "") {
      nodes.update(look(params.node));
    }
  });
  network.on("blurNode", function (params) {
    container.style.cursor = "default";
    state.hovered = null;
    if (byId[params.node]) { nodes.update(look(params.node)); }
  });

  // --- selection, the side panel and the URL ------------------------------------------
  function remember(id) {
    var query = null;
    try {
      var url = new URL(window.location.href);
      if (id) { url.searchParams.set(focusParam, id); } else { url.searchParams.delete(focusParam); }
      query = url.search.replace(/^\?/, "");
      window.history.replaceState(window.history.state, "", url.toString());
    } catch (e) {
      // a file opened from disk may refuse: the map works the same without it
    }
    if (query !== null) {
      var fields = document.querySelectorAll("[data-map-query]");
      for (var i = 0; i < fields.length; i++) { fields[i].value = query; }
    }
  }
  function neighbours(id) {
    return network.getConnectedNodes(id).filter(function (n) { return !!byId[n]; });
  }
  function fill(id) {
    if (!panel) { return; }
    var node = byId[id];
    panel.querySelector("#turva-map-panel-name").textContent = node.name || text[id];
    // the kind once: the details often begin with it already
    var kind = node.kind || "";
    panel.querySelector(".turva-map-panel-kind").textContent =
      (node.about || "").indexOf(kind) === 0 ? "" : kind;
    panel.querySelector(".turva-map-panel-about").textContent = node.about || "";
    var link = panel.querySelector("#turva-map-panel-link");
    link.parentNode.hidden = !node.url;
    panel.querySelector(".turva-map-panel-nopage").hidden = !!node.url;
    if (node.url) { link.setAttribute("href", node.url); }
    var near = neighbours(id).sort(function (a, b) {
      return String(text[a] || a).localeCompare(String(text[b] || b));
    });
    panel.querySelector(".turva-map-panel-links-title").textContent = say(words.links, {n: near.length});
    var list = panel.querySelector(".turva-map-panel-links");
    list.textContent = "";
    near.slice(0, 40).forEach(function (other) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-node", other);
      button.textContent = text[other] || byId[other].name || other;
      if (byId[other].name && byId[other].name !== button.textContent) {
        button.title = byId[other].name;
      }
      item.appendChild(button);
      list.appendChild(item);
    });
    if (near.length > 40) {
      var rest = document.createElement("li");
      rest.textContent = say(words.more, {n: near.length - 40});
      list.appendChild(rest);
    }
    panel.hidden = false;
  }
  function choose(id, how) {
    if (!byId[id]) { return; }
    state.selected = id;
    state.highlighted = {};
    state.highlighted[id] = true;
    neighbours(id).forEach(function (n) { state.highlighted[n] = true; });
    restyle();
    network.selectNodes([id]);
    if (how !== "click") {
      // the node and its neighbours fill the view (no closer than four times the first
      // zoom), centred on the node, the labels still readable
      network.fit({nodes: Object.keys(state.highlighted), animation: false});
      var first = state.initialScale || network.getScale();
      var scale = Math.max(Math.min(network.getScale(), first * 4), first,
        (minPx + 0.25) / (state.fontSize || 14));
      network.focus(id, {scale: scale, animation: false});
    }
    fill(id);
    remember(id);
    announce(say(words.selected, {name: byId[id].name || text[id]}));
  }
  function clear() {
    state.selected = null;
    state.highlighted = null;
    network.unselectAll();
    restyle();
    if (panel) { panel.hidden = true; }
    remember(null);
    announce("");
  }
  function open(id) {
    var node = byId[id];
    if (node && node.url) { window.location.href = node.url; }
  }
  network.on("click", function (params) {
    if (!params.nodes.length) {
      if (!params.edges.length && state.selected) { clear(); }
      return;
    }
    var id = params.nodes[0];
    if (id === state.selected) { open(id); } else { choose(id, "click"); }
  });
  if (frame) {
    frame.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && state.selected) { open(state.selected); }
      if (event.key === "Escape" && state.selected) { clear(); }
    });
  }
  if (panel) {
    panel.addEventListener("click", function (event) {
      var target = event.target.closest("[data-node]");
      if (target) {
        choose(target.getAttribute("data-node"), "list");
        panel.querySelector("#turva-map-panel-name").focus();
      }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { clear(); if (frame) { frame.focus(); } }
    });
  }

  // --- search and the buttons ----------------------------------------------------------
  function fold(value) {
    return String(value || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function names(id) {
    var node = byId[id];
    var found = [node.name, text[id], id, String(id).slice(String(id).indexOf(":") + 1)];
    if (text[id] && node.name && text[id] !== node.name) {
      found.push(text[id] + " – " + node.name);
    }
    return found.map(fold).filter(Boolean);
  }
  function find(value) {
    var wanted = fold(value);
    if (!wanted) { return null; }
    var ids = Object.keys(byId);
    var exact = ids.filter(function (id) { return names(id).indexOf(wanted) >= 0; });
    if (exact.length) { return exact[0]; }
    var partial = ids.filter(function (id) {
      return names(id).some(function (name) { return name.indexOf(wanted) >= 0; });
    });
    // the biggest (most connected) node of those that fit
    partial.sort(function (a, b) { return (byId[b].size || 0) - (byId[a].size || 0); });
    return partial.length ? partial[0] : null;
  }
  var form = document.getElementById("turva-map-search-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = document.getElementById("turva-map-search").value;
      var id = find(value);
      if (id) { choose(id, "search"); } else if (fold(value)) {
        announce(say(words.not_found, {text: value}));
      }
    });
  }
  var controls = document.querySelectorAll("[data-map-action]");
  for (var i = 0; i < controls.length; i++) {
    controls[i].addEventListener("click", function (event) {
      var action = event.currentTarget.getAttribute("data-map-action");
      var position = network.getViewPosition();
      if (action === "zoom-in") {
        network.moveTo({scale: network.getScale() * 1.4, position: position, animation: false});
      } else if (action === "zoom-out") {
        network.moveTo({scale: network.getScale() / 1.4, position: position, animation: false});
      } else if (action === "fit") {
        network.fit({animation: false});
      } else if (action === "close") {
        clear();
        if (frame) { frame.focus(); }
      }
    });
  }

  // --- settling -----------------------------------------------------------------------
  function settled() {
    if (state.stable) { return; }
    // a still map costs the browser nothing; dragging a node still works
    network.setOptions({physics: false});
    if (data.nodes.length) {
      readable();
      var wanted = null;
      try { wanted = new URL(window.location.href).searchParams.get(focusParam); } catch (e) {}
      if (wanted && byId[wanted]) { choose(wanted, "url"); } else if (wanted) { remember(null); }
    }
    state.stable = true;
    state.stableAfterMs = performance.now() - started;
    container.setAttribute("data-stable", "true");
  }
  if (!data.nodes.length) {
    settled();
  } else if (data.options.physics && data.options.physics.enabled === false) {
    network.once("afterDrawing", settled);
  } else {
    network.once("stabilizationIterationsDone", settled);
    network.once("stabilized", settled);
  }
})();
