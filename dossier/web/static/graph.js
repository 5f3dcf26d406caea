// Draw the network of /api/graph with vis-network; data only, never HTML strings.
const COLOURS = {armed_group: "#c0392b", person: "#2e86c1", organization: "#7d3c98",
                 state: "#1e8449", place: "#b7950b"};
const DASHED = new Set(["adversary_of", "splinter_of"]);

document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("graph");
  if (!box || typeof vis === "undefined") { return; }
  const data = await (await fetch(box.dataset.source)).json();
  const nodes = new vis.DataSet(data.nodes.map(n => ({
    id: n.id, label: n.label, title: n.type, color: COLOURS[n.type] || "#888",
    font: {color: "#1d2330"}})));
  const edges = new vis.DataSet(data.edges.map((e, i) => ({
    id: i, from: e.from, to: e.to, label: e.predicate.replace("_", " "),
    arrows: e.symmetric ? "" : "to",
    dashes: DASHED.has(e.predicate), font: {size: 10}})));
  box.dataset.nodes = String(data.nodes.length);
  const network = new vis.Network(box, {nodes, edges},
                                  {physics: {stabilization: {iterations: 150}}});
  network.on("click", params => {
    if (params.nodes.length) { window.location.href = "/entity/" + params.nodes[0]; }
  });
  network.once("stabilizationIterationsDone", () => { box.dataset.stable = "yes"; });
  window.dossierNetwork = network;  // for keyboard-less checks and scripts
  box.dataset.ready = "yes";
});
