// turva editing forms: a small progressive enhancement, served by the app (no CDN).
// Without it every form works as plain HTML; with it
//  * each choice list marked data-picker gets a search box that filters its choices by
//    name (the select stays the form's field, so nothing changes for the server);
//  * the error summary of a form with mistakes takes the focus, for screen readers.
(function () {
  "use strict";

  function fold(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhance(select, label) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.setAttribute("aria-label", label + ": " + (select.getAttribute("aria-label") ||
      (select.labels && select.labels[0] ? select.labels[0].textContent : "")));
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    box.placeholder = label;
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var text = fold(option.textContent);
        var shown = !option.value || option.selected ||
          words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !shown;
        if (shown && option.value && !first) { first = option; }
      });
      // one match: choose it, so that typing a name is enough
      var matches = Array.prototype.filter.call(select.options, function (o) {
        return o.value && !o.hidden;
      });
      if (words.length && matches.length === 1) { select.value = matches[0].value; }
    });
    box.addEventListener("keydown", function (event) {
      // Enter in the search box must not save the form
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
    select.parentNode.insertBefore(box, select);
  }

  function start() {
    var form = document.querySelector("form.edit-form");
    var label = (form && form.getAttribute("data-filter-label")) || "Filter";
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), function (s) {
      if (!s.disabled) { enhance(s, label); }
    });
    var summary = document.getElementById("error-summary") || document.getElementById("referrers");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
