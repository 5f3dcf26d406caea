// Send the form to POST /ingest (with its CSRF token) and show the answer in place.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("ingest-form");
  const result = document.getElementById("ingest-result");
  if (!form) { return; }
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = new FormData(form);
    const body = String(f.get("body") || "");
    if (body.length > Number(form.dataset.limit)) {
      result.textContent = "Too long: the limit is " + form.dataset.limit + " characters.";
      return;
    }
    const response = await fetch("/ingest", {
      method: "POST", body: new URLSearchParams(f), credentials: "same-origin",
      headers: {"Accept": "application/json"}});
    const data = await response.json();
    if (response.ok) {
      result.textContent = (data.stored ? "Stored: " : "Already stored: ") + data.entities +
                           " entities.";
      const link = document.createElement("a");
      link.href = "/document/" + data.id;
      link.textContent = " Open it";
      result.appendChild(link);
    } else {
      result.textContent = "Refused (" + response.status + "): " + (data.detail || "");
    }
  });
});
