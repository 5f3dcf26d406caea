// Scroll the highlighted evidence into view (no inline scripts: CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  const mark = document.querySelector("mark#evidence");
  if (mark) { mark.scrollIntoView({block: "center"}); }
});
