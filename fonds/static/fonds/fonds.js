// fonds: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Contents trees: a series opens in place, its children fetched on first opening.
  function loadChildren(details) {
    if (details.dataset.loaded) return;
    details.dataset.loaded = "loading";
    var box = details.querySelector(":scope > .children");
    box.setAttribute("aria-busy", "true");
    fetch(details.dataset.children, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        box.innerHTML = html;
        box.removeAttribute("aria-busy");
        details.dataset.loaded = "yes";
      })
      .catch(function () {
        box.removeAttribute("aria-busy");
        delete details.dataset.loaded;
      });
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details[data-children]") && details.open) {
      loadChildren(details);
    }
  }, true);

  // "Show more" at the end of a long list of children: append the next page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.more-children");
    if (!link || !link.getAttribute("href").startsWith("/")) return;
    event.preventDefault();
    var more = link.closest(".more");
    fetch(link.href).then(function (r) { return r.text(); }).then(function (html) {
      more.insertAdjacentHTML("afterend", html);
      more.remove();
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
  document.querySelectorAll("button.copy[data-copy]").forEach(setUpCopy);
})();
