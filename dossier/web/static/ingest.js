// Send the form to POST /api/ingest with the token as a bearer header.
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
    const payload = {title: f.get("title") || null, url: f.get("url") || null,
                     published: f.get("published") || null};
    payload[f.get("is_html") ? "html" : "text"] = body;
    const response = await fetch("/api/ingest", {
      method: "POST", body: JSON.stringify(payload),
      headers: {"Content-Type": "application/json",
                "Authorization": "Bearer " + f.get("token")}});
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
