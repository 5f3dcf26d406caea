// Corrections from the browser (dossier/web/routes/corrections.py): merge two
// entities, split an alias off, mark a statement wrong, undo.
//
// The write token is typed into the page and kept in this tab's sessionStorage,
// never in a cookie or a URL; each POST carries it as "Authorization: Bearer".
// Names and statements come from article text, so every node here is built with
// createElement and textContent (and the CSP allows no inline script or style).
(() => {
  "use strict";
  const KEY = "dossier.token";

  function make(tag, text, props) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "class") { node.className = value; }
      else if (key === "data") { Object.assign(node.dataset, value); }
      else if (key === "attrs") { for (const [a, v] of Object.entries(value)) { node.setAttribute(a, v); } }
      else { node[key] = value; }
    }
    return node;
  }

  const token = () => sessionStorage.getItem(KEY) || "";

  function bindToken(input, forget) {
    input.value = token();
    input.addEventListener("input", () => {
      if (input.value) { sessionStorage.setItem(KEY, input.value); }
      else { sessionStorage.removeItem(KEY); }
    });
    if (forget) {
      forget.addEventListener("click", () => { sessionStorage.removeItem(KEY); input.value = ""; });
    }
  }

  // POST JSON with the token; resolves to {ok, status, data}.
  async function post(path, body) {
    const headers = {"Accept": "application/json", "Authorization": "Bearer " + token()};
    const init = {method: "POST", headers, credentials: "omit", cache: "no-store"};
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      return {ok: false, status: 0, data: {detail: "the server could not be reached"}};
    }
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    return {ok: response.ok, status: response.status, data};
  }

  function refusal(result) {
    const detail = result.data && result.data.detail;
    const text = typeof detail === "string" ? detail
      : Array.isArray(detail) ? detail.map(d => d.msg).join("; ") : "";
    return "Refused (" + result.status + "): " + text;
  }

  // Replace a status line's content with text and nodes.
  function say(status, parts, failed) {
    status.replaceChildren(...parts.map(p => typeof p === "string" ? document.createTextNode(p) : p));
    status.classList.toggle("failed", Boolean(failed));
  }

  const profileLink = (entity, text) =>
    make("a", text || entity.name, {href: "/entity/" + Number(entity.id)});

  const fields = form => Object.fromEntries(
    [...new FormData(form).entries()].map(([k, v]) => [k, String(v).trim()]));

  // The /corrections page: token, merge and split forms, undo buttons, the list.
  function correctionsPage(table) {
    const status = document.getElementById("correction-status");
    bindToken(document.getElementById("correction-token"),
              document.getElementById("correction-token-forget"));
    const merge = document.getElementById("merge-form");
    merge.addEventListener("submit", async event => {
      event.preventDefault();
      say(status, ["Merging…"]);
      const r = await post("/api/corrections/merge", fields(merge));
      if (!r.ok) { say(status, [refusal(r)], true); return; }
      say(status, ["Merged " + r.data.other.name + " into ", profileLink(r.data.into),
                   " (correction " + r.data.correction + ")."]);
      merge.reset();
      refresh(table);
    });
    const split = document.getElementById("split-form");
    split.addEventListener("submit", async event => {
      event.preventDefault();
      say(status, ["Splitting…"]);
      const r = await post("/api/corrections/split", fields(split));
      if (!r.ok) { say(status, [refusal(r)], true); return; }
      say(status, ["Split " + r.data.alias + " off " + r.data.entity.name + " as ",
                   profileLink(r.data.new_entity), " (correction " + r.data.correction + ")."]);
      split.reset();
      refresh(table);
    });
    table.addEventListener("click", async event => {
      const button = event.target.closest("button[data-undo]");
      if (!button) { return; }
      const id = Number(button.dataset.undo);
      button.disabled = true;
      say(status, ["Undoing correction " + id + "… (undoing a merge or split rebuilds " +
                   "every stored document: this may take a while)"]);
      const r = await post("/api/corrections/" + id + "/undo");
      if (!r.ok) { button.disabled = false; say(status, [refusal(r)], true); return; }
      say(status, ["Undid " + r.data.action + " " + id +
                   (r.data.rebuilt ? " and rebuilt the extractions." : ".")]);
      refresh(table);
    });
  }

  function correctionRow(c) {
    const row = make("tr", null, {data: {correction: String(c.id)}});
    if (c.undone) { row.className = "undone"; }
    const what = make("td", c.summary);
    if (c.entity) { what.append(" ", profileLink(c.entity, "profile")); }
    const state = make("td", c.undone ? "undone" : null);
    if (!c.undone) {
      state.append(make("button", "Undo", {type: "button", data: {undo: String(c.id)}}));
    }
    row.append(make("td", c.id), make("td", c.action), what, make("td", c.note),
               make("td", String(c.created_at).replace("T", " ")), state);
    return row;
  }

  async function refresh(table) {
    const response = await fetch("/api/corrections",
                                 {headers: {"Accept": "application/json"}, cache: "no-store"});
    if (!response.ok) { return; }
    const rows = (await response.json()).slice().reverse().map(correctionRow);
    if (!rows.length) {
      rows.push(make("tr", null, {class: "none"}));
      rows[0].append(make("td", "No corrections yet.", {class: "muted", colSpan: 6}));
    }
    table.tBodies[0].replaceChildren(...rows);
  }

  // A profile: token, "merge into…" and "split alias" by its heading, "wrong?" by
  // each statement.
  function profilePage(heading) {
    const entity = Number(heading.dataset.entity);
    if (!Number.isInteger(entity) || entity < 1) { return; }
    const status = make("p", null, {class: "correction-status",
                                    attrs: {"role": "status", "aria-live": "polite"}});
    const input = make("input", null, {type: "password", autocomplete: "off",
                                       spellcheck: false, class: "correction-token-input"});
    bindToken(input);
    const tokenLabel = make("label", "Token ");
    tokenLabel.append(input);

    const into = make("input", null, {name: "into", required: true, maxLength: 300,
                                      placeholder: "name or id of the entity to keep"});
    const mergeForm = inlineForm("Merge this entity into ", into, "Merge");
    mergeForm.addEventListener("submit", async event => {
      event.preventDefault();
      say(status, ["Merging…"]);
      const r = await post("/api/corrections/merge", {into: into.value.trim(), other: entity});
      if (!r.ok) { say(status, [refusal(r)], true); return; }
      say(status, ["Merged into ", profileLink(r.data.into), " (correction " +
                   r.data.correction + "); opening its profile…"]);
      window.location.assign("/entity/" + Number(r.data.into.id));
    });

    const alias = make("select", null, {name: "alias", required: true});
    const splitForm = inlineForm("Give an entity of its own to the alias ", alias, "Split");
    splitForm.addEventListener("submit", async event => {
      event.preventDefault();
      say(status, ["Splitting…"]);
      const r = await post("/api/corrections/split", {entity, alias: alias.value});
      if (!r.ok) { say(status, [refusal(r)], true); return; }
      alias.querySelector("option:checked").remove();
      say(status, ["Split " + r.data.alias + " off as ", profileLink(r.data.new_entity),
                   " (correction " + r.data.correction + ")."]);
    });

    const tools = make("div", null, {class: "correction-tools no-print",
                                     attrs: {"aria-label": "corrections"}});
    const mergeOpen = opener("merge into…", mergeForm, () => into.focus());
    const splitOpen = opener("split alias", splitForm, async () => {
      const response = await fetch("/api/entity/" + entity, {headers: {"Accept": "application/json"}});
      const names = response.ok ? (await response.json()).aliases || [] : [];
      alias.replaceChildren(...names.map(n => make("option", n, {value: n})));
      alias.focus();
    });
    tools.append(tokenLabel, " ", mergeOpen, " ", splitOpen, mergeForm, splitForm, status);
    heading.after(tools);

    document.querySelectorAll("[data-assertion]").forEach(node => wrongButton(node, status));
  }

  function inlineForm(label, control, submit) {
    const form = make("form", null, {class: "correction-inline", hidden: true});
    const text = make("label", label);
    text.append(control);
    form.append(text, " ", make("button", submit, {type: "submit"}));
    return form;
  }

  function opener(text, form, onOpen) {
    const button = make("button", text, {type: "button", class: "correction-open",
                                         attrs: {"aria-expanded": "false"}});
    button.addEventListener("click", () => {
      form.hidden = !form.hidden;
      button.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) { onOpen(); }
    });
    return button;
  }

  const statements = id =>
    [...document.querySelectorAll("[data-assertion]")].filter(n => Number(n.dataset.assertion) === id);

  function wrongButton(node, status) {
    const id = Number(node.dataset.assertion);
    if (!Number.isInteger(id) || id < 1) { return; }
    const wrong = make("button", "wrong?", {type: "button", class: "correction-wrong",
                                            title: "mark this statement wrong"});
    const ask = make("span", null, {class: "correction-confirm", hidden: true});
    const yes = make("button", "mark wrong", {type: "button"});
    const no = make("button", "cancel", {type: "button"});
    ask.append(yes, " ", no);
    wrong.addEventListener("click", () => { wrong.hidden = true; ask.hidden = false; yes.focus(); });
    no.addEventListener("click", () => { ask.hidden = true; wrong.hidden = false; wrong.focus(); });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      const r = await post("/api/corrections/reject", {assertion: id});
      yes.disabled = false;
      if (!r.ok) { say(status, [refusal(r)], true); ask.hidden = true; wrong.hidden = false; return; }
      statements(id).forEach(n => { n.hidden = true; n.classList.add("rejected"); });
      const said = "Marked wrong (correction " + r.data.correction + "): " + r.data.summary + " ";
      const undo = make("button", "undo", {type: "button"});
      let done, holder;
      if (node.tagName === "TR") {  // a table row: a row of one cell across
        done = make("tr", null, {class: "correction-done"});
        holder = make("td", said, {colSpan: node.cells.length || 1});
        done.append(holder);
      } else {
        done = holder = make(node.tagName === "LI" ? "li" : "div", said, {class: "correction-done"});
      }
      undo.addEventListener("click", async () => {
        const u = await post("/api/corrections/" + Number(r.data.correction) + "/undo");
        if (!u.ok) { say(status, [refusal(u)], true); return; }
        statements(id).forEach(n => { n.hidden = false; n.classList.remove("rejected"); });
        ask.hidden = true;
        wrong.hidden = false;
        done.remove();
      });
      holder.append(undo);
      node.after(done);
    });
    // In a row, the buttons go in its last cell; else before the evidence, which
    // opens below the statement.
    const place = node.tagName === "TR" ? node.cells[node.cells.length - 1] || node : node;
    const tools = make("span", null, {class: "correction-statement"});
    tools.append(" ", wrong, ask);
    const evidence = [...place.children].find(c => c.tagName === "DETAILS");
    place.insertBefore(tools, evidence || null);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const table = document.getElementById("corrections");
    if (table && document.getElementById("merge-form")) { correctionsPage(table); }
    const heading = document.querySelector("[data-entity]");
    if (heading) { profilePage(heading); }
  });
})();
