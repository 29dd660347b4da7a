// The drill-down: htmx fills #drilldown (a drawer on the story page, the page itself at a passage's URL).
// This moves focus into it and back out, keeps it in step with the filters and the browser's history,
// keeps an editor's focus on the row they tagged, and copies citations.
(function () {
  "use strict";
  let opener = null;         // the link that opened the drawer: focus returns to it on close
  let openerPassage = null;  // its passage, to find it again after htmx restores the page from history
  let quietRefresh = false;
  let pushed = 0;            // drill-down URLs pushed in a row since the drawer opened: closing goes back over them
  const depthOf = {};        // path -> its `pushed`, to pick the count up again when history restores the path
  let closingByHistory = false;
  let tagFocus = null;       // {row, control}: where focus goes once a tagged row is swapped

  function panel() { return document.getElementById("drilldown"); }
  function isDrawer(el) { return !!el && el.classList.contains("drawer"); }
  function drawer() { const el = panel(); return isDrawer(el) ? el : null; }
  function passagePath(path) { return /\/passages\/\d+\/(\?|$)/.test(path); }

  function markCurrent(id) {
    document.querySelectorAll("a.passage-link[aria-current]").forEach((el) => el.removeAttribute("aria-current"));
    if (id) document.querySelectorAll(`a.passage-link[data-passage='${id}']`).forEach((el) => el.setAttribute("aria-current", "true"));
  }

  function focusOpener() {
    if (opener && document.contains(opener)) { opener.focus(); return; }
    const again = openerPassage && document.querySelector(`a.passage-link[data-passage='${openerPassage}']`);
    if (again) again.focus();
  }

  function syncBody() {
    const open = drawer() && drawer().classList.contains("open");
    document.body.classList.toggle("drawer-open", !!open);
  }

  function shut(el) {
    el.classList.remove("open");
    el.replaceChildren();
    markCurrent(null);
    syncBody();
  }

  function close() {
    const el = drawer();
    if (!el || !el.classList.contains("open")) return;
    if (pushed > 0) {
      // The drawer's URLs are history entries: going back over them restores the page as it was before
      // it opened (htmx keeps that snapshot), and Forward opens the drawer again.
      const n = pushed;
      pushed = 0;
      closingByHistory = true;
      history.go(-n);
      return;
    }
    shut(el);
    focusOpener();
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    const target = event.detail.target;
    if (target && target.id === "drilldown" && elt && !target.contains(elt) && !quietRefresh) {
      opener = elt;
      openerPassage = elt.dataset ? elt.dataset.passage : null;
    }
    if (elt && elt.matches && elt.matches("form.tag")) rememberTagFocus(elt);
  });

  document.addEventListener("htmx:pushedIntoHistory", (event) => {
    const path = event.detail.path || "";
    pushed = passagePath(path) ? pushed + 1 : 0;  // a filter change pushes the story's URL: nothing to go back over
    depthOf[path] = pushed;
  });

  document.addEventListener("htmx:historyRestore", () => {
    pushed = depthOf[location.pathname + location.search] || 0;
    syncBody();
    if (!closingByHistory) return;
    closingByHistory = false;
    const el = drawer();
    if (el && el.classList.contains("open")) shut(el);  // the drawer was open before any URL was pushed
    focusOpener();
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && elt.matches && elt.matches("form.filters")) { refreshForFilters(); return; }
    const target = event.detail.target;
    if (!target || target.id !== "drilldown") return;
    const shown = target.querySelector(".drilldown");
    if (isDrawer(target)) {
      markCurrent(shown && shown.dataset.passage);
      target.classList.add("open");
      syncBody();
    }
    if (quietRefresh) { quietRefresh = false; return; }
    target.scrollTop = 0;
    (target.querySelector("#drilldown-title") || target).focus();
  });

  // The filters changed and the grid was swapped: show the open passage under the new filters.
  function refreshForFilters() {
    const el = drawer();
    const shown = el && el.classList.contains("open") && el.querySelector(".drilldown");
    if (!shown) return;
    const link = document.querySelector(`#grid a.passage-link[data-passage='${shown.dataset.passage}']`);
    if (!link) { pushed = 0; shut(el); focusOpener(); return; }
    quietRefresh = true;
    htmx.ajax("GET", link.getAttribute("href"), { target: "#drilldown", swap: "innerHTML" });
  }

  // An editor tags a pair: htmx swaps the row; focus goes back to the control they used in the new row
  // (or its first button, when that control is gone: "Back to proposed" once the pair is proposed).
  function rememberTagFocus(form) {
    const row = form.closest("li.counterpart");
    const active = document.activeElement;
    let control = null;
    if (active && form.contains(active)) {
      if (active.name && active.tagName === "BUTTON") control = `[name='${CSS.escape(active.name)}'][value='${CSS.escape(active.value)}']`;
      else if (active.name) control = `[name='${CSS.escape(active.name)}']`;
      else if (active.classList.length) control = `.${CSS.escape(active.classList[0])}`;
    }
    tagFocus = row ? { row: row.id, control } : null;
  }

  document.addEventListener("htmx:afterSettle", () => {
    if (!tagFocus) return;
    const row = document.getElementById(tagFocus.row);
    const control = row && tagFocus.control ? row.querySelector(tagFocus.control) : null;
    tagFocus = null;
    if (!row) return;
    (control || row.querySelector("form.tag button") || row).focus();
  });

  // "Copy the citation": shown only where the clipboard can be written.
  function showCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("button[data-copy][hidden]").forEach((button) => { button.hidden = false; });
  }
  document.addEventListener("htmx:load", (event) => showCopyButtons(event.detail.elt || document));
  document.addEventListener("DOMContentLoaded", () => showCopyButtons(document));

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-drawer]")) { close(); return; }
    const copy = event.target.closest("button[data-copy]");
    const block = copy && document.getElementById(copy.dataset.copy);
    if (block) navigator.clipboard.writeText(block.innerText).then(() => { copy.textContent = "Copied"; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
})();
