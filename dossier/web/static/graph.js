// The network page: draws /api/graph with vis-network (node size by mentions,
// edge width by stories, colours from graph.css) and lists an edge's evidence
// when it is clicked. Data goes into the page as text only (textContent,
// attributes), never as HTML: article text is untrusted.
"use strict";

const DASHED = new Set(["adversary_of", "splinter_of"]);
const LABELLED_EDGES = 40;  // edge labels drawn up to this many edges; beyond, on hover
const QUICK_LAYOUT = 80;    // above this many nodes, skip vis-network's slow seeding layout
const EDGE_COLOUR = "#5d6673";

function element(tag, content, className) {
  const made = document.createElement(tag);
  if (content !== undefined) { made.textContent = content; }
  if (className) { made.className = className; }
  return made;
}

function words(name) { return name.replaceAll("_", " "); }

function count(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

// Sizes grow with the logarithm of the count, the same in every view: one story
// is a hairline, sixteen the widest; one document a small dot.
function edgeWidth(stories) { return Math.min(8, 1 + 1.75 * Math.log2(Math.max(1, stories))); }
function nodeSize(mentions) { return Math.min(36, 7 + 3.5 * Math.log2(1 + mentions)); }

// A tooltip as an element of text lines (vis-network shows elements as they are).
function tooltip(lines) {
  const box = element("div");
  lines.filter(Boolean).forEach(line => box.appendChild(element("div", line)));
  return box;
}

// Entity type → colour, read from the custom properties graph.css defines.
function typeColours() {
  const css = getComputedStyle(document.documentElement);
  const fallback = css.getPropertyValue("--type-other").trim() || "#888888";
  const cache = new Map();
  return type => {
    if (!cache.has(type)) {
      cache.set(type, css.getPropertyValue("--type-" + type).trim() || fallback);
    }
    return cache.get(type);
  };
}

function followDepth() {
  const range = document.getElementById("depth");
  const shown = document.getElementById("depth-value");
  if (range && shown) { range.addEventListener("input", () => { shown.value = range.value; }); }
}

function showCount(data) {
  const notice = document.getElementById("graph-notice");
  const line = document.getElementById("graph-count");
  if (!notice || !line) { return; }
  line.textContent = data.cut
    ? `Showing ${data.nodes.length} of ${data.total_nodes} entities (the most reported ties first).`
    : `${count(data.nodes.length, "entity", "entities")}, `
      + `${count(data.edges.length, "relation", "relations")}.`;
  const more = document.getElementById("show-more");
  if (more) { more.hidden = !data.cut; }
  notice.hidden = false;
}

// Two or more edges between one pair are bent apart, one to each side in turn.
function bends(edges) {
  const seen = new Map();
  return edges.map(e => {
    const pair = Math.min(e.from, e.to) + ":" + Math.max(e.from, e.to);
    const k = seen.get(pair) || 0;
    seen.set(pair, k + 1);
    if (k === 0) { return {enabled: false}; }
    const side = (k % 2 === 1) === (e.from < e.to) ? "curvedCW" : "curvedCCW";
    return {enabled: true, type: side, roundness: 0.2 * Math.ceil(k / 2)};
  });
}

function sourceItem(source) {
  const item = element("li");
  item.appendChild(element("q", source.evidence));
  const line = element("div", undefined, "source");
  const link = element("a", source.title || source.document_id.slice(0, 12));
  link.href = "/document/" + encodeURIComponent(source.document_id) + "?span="
    + Number(source.span[0]) + "-" + Number(source.span[1]);
  const when = source.report_time
    ? source.report_time + (source.report_time_estimated ? " (estimated)" : "") : "undated";
  line.append(link, " · " + when);
  if (source.hedged) { line.appendChild(element("span", " · hedged", "hedged")); }
  item.appendChild(line);
  return item;
}

async function openEdge(edge, names) {
  const panel = document.getElementById("edge-panel");
  const list = document.getElementById("edge-evidence");
  const tie = edge.symmetric ? " — " + words(edge.predicate) + " — "
    : " → " + words(edge.predicate) + " → ";
  document.getElementById("edge-title").textContent =
    names.get(edge.from) + tie + names.get(edge.to);
  document.getElementById("edge-meta").textContent =
    count(edge.sources, "source", "sources") + ", " + count(edge.stories, "story", "stories")
    + ` · first reported ${edge.first_reported || "undated"},`
    + ` last ${edge.last_reported || "undated"}`
    + (edge.since ? ` · since ${edge.since}` : "")
    + (edge.hedged ? " · every source hedged" : "");
  panel.dataset.edge = String(edge.id);
  delete panel.dataset.loaded;
  list.replaceChildren(element("li", "Loading the evidence…", "muted"));
  panel.hidden = false;
  const query = new URLSearchParams({subject: edge.from, predicate: edge.predicate,
                                     object: edge.to});
  const response = await fetch("/api/graph/edge?" + query).catch(() => null);
  if (panel.dataset.edge !== String(edge.id)) { return; }  // another edge was opened meanwhile
  if (!response || !response.ok) {
    const why = response ? ` (${response.status})` : "";
    list.replaceChildren(element("li", `The evidence could not be read${why}.`));
    return;
  }
  const found = await response.json();
  list.replaceChildren(...found.sources.map(sourceItem));
  const unlisted = found.total - found.sources.length;
  if (unlisted > 0) {
    list.appendChild(element("li", `… and ${count(unlisted, "more source", "more sources")}.`,
                             "muted"));
  }
  panel.dataset.loaded = "yes";
}

function closeEdge() {
  const panel = document.getElementById("edge-panel");
  if (panel) { panel.hidden = true; delete panel.dataset.edge; }
}

async function draw(box) {
  const data = await (await fetch(box.dataset.source)).json();
  const arrived = performance.now();
  showCount(data);
  const colour = typeColours();
  const center = Number(box.dataset.center || 0);
  const big = data.nodes.length > QUICK_LAYOUT;
  const names = new Map(data.nodes.map(n => [n.id, n.label]));
  const byId = new Map(data.edges.map(e => [e.id, e]));
  const nodes = new vis.DataSet(data.nodes.map(n => ({
    id: n.id, label: n.label, shape: "dot", size: nodeSize(n.mentions),
    color: {background: colour(n.type), border: n.id === center ? "#1d2330" : colour(n.type)},
    borderWidth: n.id === center ? 4 : 1,
    title: tooltip([n.label,
                    `${words(n.type)} · named in ${count(n.mentions, "document", "documents")}`,
                    n.aliases.length ? "also " + n.aliases.join(", ") : ""])})));
  const smooth = bends(data.edges);
  const edges = new vis.DataSet(data.edges.map((e, i) => ({
    id: e.id, from: e.from, to: e.to, width: edgeWidth(e.stories),
    label: data.edges.length <= LABELLED_EDGES ? words(e.predicate) : undefined,
    arrows: e.symmetric ? "" : "to", dashes: DASHED.has(e.predicate), smooth: smooth[i],
    color: {color: EDGE_COLOUR, highlight: "#1d2330", hover: "#1d2330",
            opacity: e.hedged ? 0.35 : 0.9},
    title: tooltip([`${names.get(e.from)} ${words(e.predicate)} ${names.get(e.to)}`,
                    count(e.sources, "source", "sources") + ", "
                    + count(e.stories, "story", "stories"), "click for the evidence"])})));
  box.dataset.nodes = String(data.nodes.length);
  box.dataset.edges = String(data.edges.length);
  const network = new vis.Network(box, {nodes, edges}, {
    layout: {improvedLayout: !big, randomSeed: 7},
    nodes: {font: {size: 13, color: "#1d2330", strokeWidth: 3, strokeColor: "#ffffff"}},
    edges: {selectionWidth: 2,
            font: {size: 10, align: "middle", color: "#4a5260", strokeWidth: 0,
                   background: "rgba(255, 255, 255, 0.85)"}},
    physics: {solver: "barnesHut",
              barnesHut: {gravitationalConstant: -5000, springLength: 150, avoidOverlap: 0.2},
              stabilization: {iterations: big ? 120 : 200, updateInterval: 40, fit: true}},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big}});
  network.on("click", params => {
    if (params.nodes.length) { window.location.href = "/entity/" + params.nodes[0]; return; }
    if (params.edges.length) { openEdge(byId.get(params.edges[0]), names); return; }
    closeEdge();
  });
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({physics: false});  // the layout holds still once found
    network.once("afterDrawing", () => {
      box.dataset.drawnMs = String(Math.round(performance.now() - arrived));
      box.dataset.stable = "yes";
    });
    network.redraw();
  });
  window.dossierNetwork = network;  // for scripts and checks
  box.dataset.ready = "yes";
}

document.addEventListener("DOMContentLoaded", () => {
  followDepth();
  const close = document.getElementById("edge-close");
  if (close) { close.addEventListener("click", closeEdge); }
  const box = document.getElementById("graph");
  if (box && typeof vis !== "undefined") { draw(box); }
});
