// The profile's map: country outlines (Natural Earth, served by this app) and a
// marker per place the entity operates in or is based in, drawn with Leaflet from
// this server (no tile server, no CDN). Data is set as text, never as HTML.
function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) { node.textContent = text; }
  if (className) { node.className = className; }
  return node;
}

function statementsOf(place) {
  const box = element("section");
  box.appendChild(element("h3", place.name));
  const list = element("ul", undefined, "plain facts");
  for (const s of place.statements) {
    const item = element("li");
    item.appendChild(element("b", s.relation));
    const stories = s.stories + (s.stories === 1 ? " story" : " stories");
    item.appendChild(element("span", " · " + stories + " · " + s.when +
                             (s.hedged ? " · hedged" : ""), "meta"));
    const quotes = element("ul");
    for (const e of s.evidence) {
      const line = element("li");
      line.appendChild(element("q", e.sentence));
      line.appendChild(document.createTextNode(" "));
      const link = element("a", e.date, "cite");
      link.href = "/document/" + encodeURIComponent(e.document_id) + "?span=" +
                  e.span[0] + "-" + e.span[1];
      line.appendChild(link);
      quotes.appendChild(line);
    }
    item.appendChild(quotes);
    list.appendChild(item);
  }
  box.appendChild(list);
  return box;
}

document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("map");
  if (!box || typeof L === "undefined") { return; }
  const [data, outlines] = await Promise.all([
    fetch(box.dataset.source).then(r => r.json()),
    fetch(box.dataset.outlines).then(r => r.json())]);
  const map = L.map(box, {worldCopyJump: true, zoomSnap: 0.5, minZoom: 1, maxZoom: 9});
  // The view first: Leaflet draws vector layers only once it has one.
  const points = data.places.map(place => [place.lat, place.lon]);
  if (points.length > 1) {
    map.fitBounds(points, {padding: [40, 40], maxZoom: 5});
  } else if (points.length === 1) {
    map.setView(points[0], 5);
  } else {
    map.setView([20, 10], 1.5);
  }
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Outlines: Natural Earth");
  L.geoJSON(outlines, {interactive: false, style: () => ({
    color: "#9aa5b1", weight: 0.7, fillColor: "#f7f5ef", fillOpacity: 1})}).addTo(map);
  const panel = document.getElementById("map-statements");
  for (const place of data.places) {
    const marker = L.circleMarker([place.lat, place.lon], {
      radius: 5 + 2 * Math.sqrt(place.stories), color: "#7f1d1d", weight: 1.5,
      fillColor: ["state", "region"].includes(place.precision) ? "#f59e0b" : "#c0392b", fillOpacity: 0.8});
    marker.bindTooltip(element("span", place.name));
    marker.on("click", () => {
      panel.replaceChildren(statementsOf(place));
      box.dataset.selected = place.name;
    });
    marker.addTo(map);
  }
  window.dossierMap = map;  // for scripted checks
  box.dataset.markers = String(points.length);
  box.dataset.ready = "yes";
});
