// The drill-down drawer: htmx fills #drilldown; this moves focus into it and back out,
// and keeps it in step with the filters.
(function () {
  "use strict";
  let opener = null;
  let quietRefresh = false;

  function drawer() { return document.getElementById("drilldown"); }

  function markCurrent(id) {
    document.querySelectorAll("a.passage-link[aria-current]").forEach((el) => el.removeAttribute("aria-current"));
    if (id) document.querySelectorAll(`a.passage-link[data-passage='${id}']`).forEach((el) => el.setAttribute("aria-current", "true"));
  }

  function close() {
    const panel = drawer();
    if (!panel || !panel.classList.contains("open")) return;
    panel.classList.remove("open");
    document.body.classList.remove("drawer-open");
    panel.replaceChildren();
    markCurrent(null);
    if (opener && document.contains(opener)) opener.focus();
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && elt.matches && elt.matches("form.filters")) { refreshForFilters(); return; }
    const panel = event.detail.target;
    if (!panel || panel.id !== "drilldown") return;
    if (elt && elt.closest && !panel.contains(elt)) opener = elt;
    const shown = panel.querySelector(".drilldown");
    markCurrent(shown && shown.dataset.passage);
    panel.classList.add("open");
    document.body.classList.add("drawer-open");
    if (quietRefresh) { quietRefresh = false; return; }
    panel.scrollTop = 0;
    (panel.querySelector("#drilldown-title") || panel).focus();
  });

  // The filters changed and the grid was swapped: show the open passage under the new filters.
  function refreshForFilters() {
    const panel = drawer();
    const shown = panel && panel.classList.contains("open") && panel.querySelector(".drilldown");
    if (!shown) return;
    const link = document.querySelector(`#grid a.passage-link[data-passage='${shown.dataset.passage}']`);
    if (!link) { close(); return; }
    quietRefresh = true;
    htmx.ajax("GET", link.getAttribute("href"), { target: "#drilldown", swap: "innerHTML" });
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-drawer]")) close();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
})();
