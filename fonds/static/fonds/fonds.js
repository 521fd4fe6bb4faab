// fonds: small progressive enhancements. Every page works without this file:
// a series' title is a link to its own page, which lists what it holds.
(function () {
  "use strict";

  // Contents trees: a button before each series opens it in place; its children
  // are fetched the first time.
  function enhance(root) {
    root.querySelectorAll("li.branch[data-children]").forEach(function (item) {
      if (item.querySelector(":scope > .line > button.toggle")) return;
      var line = item.querySelector(":scope > .line");
      var title = line.querySelector("a.title").textContent.trim();
      var box = item.querySelector(":scope > .children");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "toggle";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", box.id);
      button.setAttribute("aria-label", "Show the contents of " + title);
      line.insertBefore(button, line.firstChild);
    });
  }

  function toggle(button) {
    var item = button.closest("li.branch");
    var box = item.querySelector(":scope > .children");
    var opening = button.getAttribute("aria-expanded") !== "true";
    var title = item.querySelector(":scope > .line > a.title").textContent.trim();
    button.setAttribute("aria-expanded", opening ? "true" : "false");
    button.setAttribute("aria-label", (opening ? "Hide" : "Show") + " the contents of " + title);
    box.hidden = !opening;
    if (!opening || item.dataset.loaded) return;
    item.dataset.loaded = "loading";
    box.setAttribute("aria-busy", "true");
    fetch(item.dataset.children, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        box.innerHTML = html;
        enhance(box);
        box.removeAttribute("aria-busy");
        item.dataset.loaded = "yes";
      })
      .catch(function () {
        box.removeAttribute("aria-busy");
        box.textContent = "The contents could not be loaded: open the title's page instead.";
        delete item.dataset.loaded;
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.toggle");
    if (button) { toggle(button); return; }
    // "Show more" at the end of a long list of children: append the next page.
    var link = event.target.closest && event.target.closest("a.more-children");
    if (!link || !link.getAttribute("href").startsWith("/")) return;
    event.preventDefault();
    var more = link.closest(".more");
    fetch(link.href).then(function (r) { return r.text(); }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      enhance(holder);
      more.replaceWith.apply(more, Array.prototype.slice.call(holder.childNodes));
    });
  });

  // Copy a citation to the clipboard.
  function setUpCopy(button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent.trim();
      var status = button.parentElement.querySelector(".copy-status");
      navigator.clipboard.writeText(text).then(function () {
        if (status) status.textContent = "Citation copied.";
      }, function () {
        if (status) status.textContent = "Copying failed: select the text and copy it.";
      });
    });
  }

  enhance(document);
  document.querySelectorAll("button.copy[data-copy]").forEach(setUpCopy);
})();
