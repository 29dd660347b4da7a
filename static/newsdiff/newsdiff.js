// The drill-down drawer: htmx fills #drilldown; this moves focus into it and back out.
(function () {
  "use strict";
  let opener = null;

  function close() {
    const drawer = document.getElementById("drilldown");
    if (!drawer || !drawer.classList.contains("open")) return;
    drawer.classList.remove("open");
    drawer.replaceChildren();
    document.querySelectorAll("[aria-current='true']").forEach((el) => el.removeAttribute("aria-current"));
    if (opener && document.contains(opener)) opener.focus();
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const drawer = event.detail.target;
    if (!drawer || drawer.id !== "drilldown") return;
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && !drawer.contains(elt)) {
      opener = elt;
      document.querySelectorAll("[aria-current='true']").forEach((el) => el.removeAttribute("aria-current"));
      elt.setAttribute("aria-current", "true");
    }
    drawer.classList.add("open");
    drawer.scrollTop = 0;
    const title = drawer.querySelector("#drilldown-title");
    (title || drawer).focus();
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-drawer]")) close();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
})();
