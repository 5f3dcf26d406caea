// The ingest page: paste an article (form POST with its CSRF token), upload files,
// read a feed or a list of URLs (JSON API with the bearer token). Answers are shown
// in place, built as text (never HTML).
function line(text, href, linkText) {
  const p = document.createElement("p");
  p.textContent = text;
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = linkText;
    p.appendChild(document.createTextNode(" "));
    p.appendChild(a);
  }
  return p;
}

function show(nodes) {
  document.getElementById("ingest-result").replaceChildren(...nodes);
}

function token() {
  return document.getElementById("token").value;
}

async function send(path, payload) {
  const response = await fetch(path, {
    method: "POST", body: JSON.stringify(payload),
    headers: {"Content-Type": "application/json", "Accept": "application/json",
              "Authorization": "Bearer " + token()}});
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  return {response, data};
}

function report(answers) {
  const nodes = [];
  let stored = 0, duplicates = 0, failed = 0;
  for (const {response, data} of answers) {
    if (!response.ok) {
      const detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail || "");
      nodes.push(line("Refused (" + response.status + "): " + detail));
      continue;
    }
    stored += data.stored; duplicates += data.duplicates; failed += data.failed_count;
    for (const d of data.documents) {
      nodes.push(line((d.stored ? "Stored: " : "Already stored: ") + d.title,
                      "/document/" + encodeURIComponent(d.id), "open"));
    }
    for (const f of data.failed) { nodes.push(line("Not read: " + f.source + ": " + f.reason)); }
  }
  nodes.unshift(line(stored + " stored, " + duplicates + " already stored, " + failed + " failed."));
  show(nodes);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("ingest-form");
  if (!form) { return; }
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = new FormData(form);
    f.set("token", token());
    const body = String(f.get("body") || "");
    if (body.length > Number(form.dataset.limit)) {
      show([line("Too long: the limit is " + form.dataset.limit + " characters.")]);
      return;
    }
    const response = await fetch("/ingest", {
      method: "POST", body: new URLSearchParams(f), credentials: "same-origin",
      headers: {"Accept": "application/json"}});
    const data = await response.json();
    if (response.ok) {
      show([line((data.stored ? "Stored: " : "Already stored: ") + data.entities + " entities.",
                 "/document/" + encodeURIComponent(data.id), "Open it")]);
    } else {
      show([line("Refused (" + response.status + "): " + (data.detail || ""))]);
    }
  });

  document.getElementById("files-form").addEventListener("submit", async event => {
    event.preventDefault();
    const limit = Number(event.target.dataset.limit);
    const answers = [];
    show([line("Reading…")]);
    for (const file of document.getElementById("files").files) {
      const content = await file.text();
      if (content.length > limit) {
        answers.push({response: {ok: false, status: 413},
                      data: {detail: file.name + " is over " + limit + " characters"}});
        continue;
      }
      answers.push(await send("/api/ingest/file", {filename: file.name, content}));
    }
    report(answers);
  });

  document.getElementById("feed-form").addEventListener("submit", async event => {
    event.preventDefault();
    show([line("Reading the feed…")]);
    report([await send("/api/ingest/feed", {url: document.getElementById("feed-url").value})]);
  });

  document.getElementById("urls-form").addEventListener("submit", async event => {
    event.preventDefault();
    const urls = document.getElementById("url-list").value.split("\n")
      .map(u => u.trim()).filter(u => u && !u.startsWith("#"));
    show([line("Fetching " + urls.length + " URLs…")]);
    report([await send("/api/ingest/urls", {urls})]);
  });
});
