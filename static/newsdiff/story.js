// The story page's reading aids: the filters fold away on a phone, every fold opens before printing,
// and the ⇄ counts follow an editor's tags without a reload.
(function () {
  "use strict";
  const WIDE = window.matchMedia("(min-width: 48rem)");

  function fitFilters() {
    const fold = document.getElementById("filters");
    if (fold && WIDE.matches) fold.open = true;
  }
  document.addEventListener("DOMContentLoaded", fitFilters);

  // Print every wording, not only the representative ones; close again what was closed.
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll("#grid details:not([open])")];
    opened.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => { opened.forEach((d) => { d.open = false; }); opened = []; });

  // An editor confirmed, rejected or restored a pair in the drill-down (the tag view sends HX-Trigger
  // "pairTagged"): reload the grid as the filters stand, so claims, their outlet counts and the pair count
  // follow. Only the grid: the drill-down, where the editor's focus is, stays as it is.
  document.body.addEventListener("pairTagged", () => {
    const form = document.querySelector("form.filters");
    if (!form || !window.htmx || !document.getElementById("grid")) return;
    const query = new URLSearchParams(new FormData(form)).toString();
    htmx.ajax("GET", `${form.getAttribute("action")}?${query}`, { target: "#grid", swap: "outerHTML" });
  });
})();
