// fonds static site: the search page. Pagefind's interface over the exported pages,
// fed from the address (?q=, and the live portal's filters: ?collection=, ?person=,
// ?subject=...), with the archive's spellings of names brought to one key.
(function () {
  "use strict";

  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var config = JSON.parse(box.dataset.config || "{}");
  // Where the site lives: this script is <base>/static/staticsite/search.js.
  var script = document.currentScript;
  var base = script ? new URL(script.src).pathname.replace(/\/static\/staticsite\/search\.js$/, "") : "";
  var params = new URLSearchParams(window.location.search);
  var NAMED = ["person", "organization", "place", "subject", "genre", "collection"];

  // The same folding as fonds.staticsite.search.fold: lower case, no combining marks.
  function fold(word) {
    return word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").normalize("NFC");
  }

  function keyed(term, spellings) {
    // Words outside "quotes" are replaced by their key; a quoted phrase stays as typed.
    return term.split('"').map(function (part, index) {
      if (index % 2 === 1) return part;
      return part.replace(/[\p{L}\p{N}\p{M}]+/gu, function (word) {
        var folded = fold(word);
        return Object.prototype.hasOwnProperty.call(spellings, folded) ? spellings[folded] : word;
      });
    }).join('"');
  }

  function remember(term) {
    var next = new URLSearchParams(window.location.search);
    if (term) next.set("q", term); else next.delete("q");
    var query = next.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function filtersFromAddress() {
    var filters = {};
    Object.keys(config.facets || {}).forEach(function (facet) {
      var labels = (config.values || {})[facet] || {};
      var chosen = params.getAll(facet).filter(Boolean).map(function (value) {
        return Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : value;
      });
      if (chosen.length) filters[config.facets[facet]] = chosen;
    });
    return filters;
  }

  function start(spellings) {
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: base + "/pagefind/",
      baseUrl: base + "/",
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      processTerm: function (term) {
        remember(term);
        return keyed(term, spellings);
      },
    });
    var filters = filtersFromAddress();
    if (Object.keys(filters).length) ui.triggerFilters(filters);
    // Pagefind's interface searches only for words: a link that names a subject or
    // a person alone (?subject=...) searches for its words, within that filter.
    var term = params.get("q") || NAMED.map(function (facet) {
      return (filters[config.facets[facet]] || []).join(" ");
    }).join(" ").trim();
    if (term) ui.triggerSearch(term);
    box.dataset.ready = "true";
  }

  fetch(base + (config.spellings || "/search/spellings.json"))
    .then(function (response) { return response.ok ? response.json() : {}; })
    .catch(function () { return {}; })
    .then(start);
})();
