/* turva: the pages' one script, small and optional (everything works without it).
   Wide tables scroll inside their own box, never the page: each table that is not yet in
   such a box is wrapped in one, and every such box is made a keyboard-focusable,
   named region (WCAG 2.1.1: a scrolling box must be reachable without a mouse). */
(function () {
  "use strict";
  var fallback = document.body.getAttribute("data-table-label") || "Table";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    // the nearest heading before the table names it
    var node = box;
    while (node && node !== document.body) {
      var prev = node.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        var inner = prev.querySelectorAll && prev.querySelectorAll("h1,h2,h3,h4,h5,h6");
        if (inner && inner.length) return inner[inner.length - 1].textContent.trim();
        prev = prev.previousElementSibling;
      }
      node = node.parentElement;
    }
    return fallback;
  }

  function region(box) {
    box.classList.add("table-region");
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", nameOf(box));
    }
  }

  document.querySelectorAll("main table").forEach(function (table) {
    var parent = table.parentElement;
    if (parent.classList.contains("scroll") || parent.classList.contains("table-region")) return;
    var box = document.createElement("div");
    parent.insertBefore(box, table);
    box.appendChild(table);
  });
  document.querySelectorAll("main .scroll, main table").forEach(function (el) {
    region(el.tagName === "TABLE" ? el.parentElement : el);
  });
})();
