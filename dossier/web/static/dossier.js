// Site-wide behaviour (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // Scroll the highlighted evidence into view.
  const mark = document.querySelector("mark#evidence");
  if (mark) { mark.scrollIntoView({block: "center"}); }
});

// "/" focuses the search box, unless the user is typing somewhere.
document.addEventListener("keydown", event => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
  const target = event.target;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) { return; }
  const search = document.getElementById("site-search");
  if (search) { event.preventDefault(); search.focus(); search.select(); }
});

// Printing shows every piece of evidence; the page returns as it was afterwards.
let closedForPrint = [];
window.addEventListener("beforeprint", () => {
  closedForPrint = [...document.querySelectorAll("details:not([open])")];
  closedForPrint.forEach(d => { d.open = true; });
});
window.addEventListener("afterprint", () => {
  closedForPrint.forEach(d => { d.open = false; });
  closedForPrint = [];
});
