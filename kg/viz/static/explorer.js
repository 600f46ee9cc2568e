/* kg graph explorer.
 * Data comes from the API as JSON and is put into the page only as text (textContent, vis-network's canvas
 * labels, DOM elements built here): article titles, names and sentences can never run as HTML.
 */
"use strict";
(function () {
  const CLASS_COLOURS = {
    Enterprise: "#4e79a7", University: "#f28e2b", ResearchInstitute: "#e15759", GovernmentAgency: "#76b7b2",
    Organization: "#59a14f", Park: "#edc948", InnovationPlatform: "#b07aa1", Project: "#ff9da7",
    Event: "#9c755f", Person: "#bab0ac", Place: "#86bcb6", City: "#4e79a7", Unknown: "#9aa5b1",
  };
  const CLASS_NAMES = {
    Enterprise: "企业", University: "高校", ResearchInstitute: "科研院所", GovernmentAgency: "政府机构",
    Organization: "组织", Park: "园区", InnovationPlatform: "创新平台", Project: "项目", Event: "活动",
    Person: "人物", Place: "地点", City: "城市", Unknown: "未知",
  };
  const RELATION_NAMES = {
    cooperatesWith: "合作", locatedIn: "位于", hosts: "承载", transfersTechnologyTo: "技术转移",
    relocatedTo: "迁往", investsIn: "投资", suppliesTo: "供应", subOrganizationOf: "隶属",
    participatesIn: "参与", visits: "考察", benchmarksAgainst: "对标", holdsPosition: "任职", flow: "流动",
  };
  const HIGHLIGHT = "#d62728";
  const $ = (id) => document.getElementById(id);

  /** Build an element; string children become text nodes (never parsed as HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  /** Only http(s) URLs become links (a javascript: URL in the data stays text). */
  function safeHref(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  async function getJSON(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(params || {})) {
      if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(name, v));
      else if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
    }
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail || body);
      throw new Error(`${response.status}: ${detail}`);
    }
    return body;
  }

  const state = {
    network: null, nodes: null, edges: null, data: null, level: "entity", ego: null,
    highlighted: new Set(), highlightedEdges: new Set(), labelled: new Set(), readyAt: null, loads: 0,
  };
  window.kgExplorer = state;

  /** Append children (arrays flattened, null/false skipped; strings as text). */
  function put(parent, ...children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }

  function setStatus(text) { $("status").textContent = text; }

  // Per-item options are kept minimal (class colours come from groups, edge looks from global options):
  // vis-network merges every item's options with the defaults, which dominates drawing a large graph.
  function nodeStyle(n, explicit) {
    const item = { id: n.id, x: n.x, y: n.y, size: n.size, group: n.cls };
    if (!state.big || state.labelled.has(n.id) || state.highlighted.has(n.id) || explicit) item.label = n.label;
    const colour = CLASS_COLOURS[n.cls] || CLASS_COLOURS.Unknown;
    if (state.highlighted.has(n.id)) {
      Object.assign(item, { size: n.size + 6, borderWidth: 5, color: { background: colour, border: HIGHLIGHT },
                            font: { size: 18, color: HIGHLIGHT } });
    } else if (explicit) {  // undo a highlight: DataSet.update merges, so the defaults are spelled out
      Object.assign(item, { borderWidth: 1, color: { background: colour, border: "#ffffff" }, font: { size: 13, color: "#1f2328" } });
    }
    if (!state.big) item.title = tooltip(n);
    return item;
  }

  function edgeStyle(e, explicit) {
    const item = { id: e.id, from: e.from, to: e.to };
    if (e.relation !== "cooperatesWith" && e.relation !== "flow") item.arrows = "to";
    if (e.status === "planned") item.dashes = true;
    if ((e.weight || 1) > 1) item.width = Math.min(1 + Math.log2(e.weight), 6);
    if (state.highlightedEdges.has(e.id)) Object.assign(item, { width: 5, color: { color: HIGHLIGHT } });
    else if (explicit) Object.assign(item, { width: item.width || 1, color: { color: "#8c959f" } });
    if (!state.big) {
      item.label = RELATION_NAMES[e.relation] || e.relation;
      item.title = tooltip({ label: `${e.relation} · ${e.weight}`, cls: null });
    }
    return item;
  }

  /** vis-network tooltips: a DOM element (a string title would be inserted as HTML by some versions). */
  function tooltip(n) {
    const lines = [n.label];
    if (n.cls) lines.push(CLASS_NAMES[n.cls] || n.cls);
    if (n.regionLabel) lines.push(n.regionLabel);
    return el("div", {}, lines.join(" · "));
  }

  function options() {
    const big = state.big;
    const physics = $("physics").checked && !big;
    const groups = {};
    for (const [cls, colour] of Object.entries(CLASS_COLOURS)) {
      groups[cls] = { color: { background: colour, border: "#ffffff", highlight: { background: colour, border: HIGHLIGHT },
                               hover: { background: colour, border: HIGHLIGHT } } };
    }
    return {
      autoResize: true,
      groups,
      layout: { improvedLayout: false, randomSeed: 1 },
      physics: physics ? { enabled: true, solver: "barnesHut", stabilization: { iterations: 150 } } : { enabled: false },
      interaction: { hover: !big, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false },
      nodes: { shape: "dot", borderWidth: 1, font: { size: 13, color: "#1f2328", strokeWidth: 3, strokeColor: "#ffffff" } },
      edges: { smooth: big ? false : { type: "continuous" }, selectionWidth: 2, width: 1,
               color: { color: "#8c959f", highlight: HIGHLIGHT, hover: HIGHLIGHT },
               font: { size: 10, color: "#57606a", strokeWidth: 2 } },
    };
  }

  /** Level of detail: on a large graph every node is drawn but only the strongest edges (the server sends
   *  edges strongest first); the rest come with "all edges", a filter or an ego network. Drawing 10,000
   *  edges costs vis-network seconds of main-thread time on every redraw. */
  const EDGE_BUDGET = 2500;
  /** On a large graph only the biggest hubs carry a label at first (measuring 5,000 CJK labels costs about
   *  a second); the other labels are added for the nodes in view once the user zooms in. */
  const LABELLED_HUBS = 400;
  const LABEL_SCALE = 0.6;

  function labelNodesInView() {
    if (!state.big || !state.network || state.network.getScale() < LABEL_SCALE) return;
    const box = $("network").getBoundingClientRect();
    const topLeft = state.network.DOMtoCanvas({ x: 0, y: 0 });
    const bottomRight = state.network.DOMtoCanvas({ x: box.width, y: box.height });
    const updates = [];
    for (const n of state.data.nodes) {
      if (state.labelled.has(n.id)) continue;
      if (n.x >= topLeft.x && n.x <= bottomRight.x && n.y >= topLeft.y && n.y <= bottomRight.y) {
        state.labelled.add(n.id);
        updates.push({ id: n.id, label: n.label });
        if (updates.length >= 1500) break;
      }
    }
    if (updates.length) state.nodes.update(updates);
  }

  let labelTimer = null;
  function scheduleLabels() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(labelNodesInView, 150);
  }

  function draw(data) {
    state.data = data;
    state.level = data.level;
    state.big = data.nodes.length > 300;
    state.labelled = new Set(state.big ? [...data.nodes].sort((a, b) => b.hub - a.hub).slice(0, LABELLED_HUBS).map((n) => n.id) : []);
    const budget = state.big && !$("all-edges").checked ? EDGE_BUDGET : Infinity;
    const drawn = data.edges.length > budget ? data.edges.slice(0, budget) : data.edges;
    const started = performance.now();
    state.nodes = new vis.DataSet(data.nodes.map((n) => nodeStyle(n)));
    state.edges = new vis.DataSet(drawn.map((e) => edgeStyle(e)));
    if (state.network) state.network.destroy();
    state.network = new vis.Network($("network"), { nodes: state.nodes, edges: state.edges }, options());
    state.network.on("click", onClick);
    state.network.on("zoom", scheduleLabels);
    state.network.on("dragEnd", scheduleLabels);
    const load = ++state.loads;
    state.network.once("afterDrawing", () => {
      if (load !== state.loads) return;
      state.readyAt = performance.now();
      state.drawMs = state.readyAt - started;
      document.body.dataset.state = "ready";
      document.body.dataset.nodes = String(data.nodes.length);
      document.body.dataset.edges = String(drawn.length);
    });
    const shown = `${data.nodes.length} 个节点 nodes, ${drawn.length === data.edges.length ? "" : `最强 strongest ${drawn.length} / `}${data.edges.length} 条边 edges`;
    const whole = data.total_nodes && data.total_nodes !== data.nodes.length ? ` (共 of ${data.total_nodes})` : "";
    setStatus(`${shown}${whole}${data.truncated ? " · 已截断 truncated" : ""}${state.ego ? " · 自我网络 ego" : ""}`);
  }

  function filters() {
    const classes = [...document.querySelectorAll("#class-filter input:checked")].map((i) => i.value);
    const all = document.querySelectorAll("#class-filter input").length;
    return {
      level: $("level").value,
      cls: classes.length && classes.length < all ? classes : null,
      relation: $("relation").value || null,
      region: $("region").value.trim() || null,
      start: $("start").value.trim() || null,
      end: $("end").value.trim() || null,
      ego: state.ego,
    };
  }

  async function load() {
    document.body.dataset.state = "loading";
    setStatus("加载中… loading");
    try {
      const fetchStarted = performance.now();
      const data = await getJSON("/api/graph", filters());
      state.fetchMs = performance.now() - fetchStarted;
      fillFilterChoices(data);
      draw(data);
    } catch (error) {
      document.body.dataset.state = "error";
      setStatus(`无法加载 could not load: ${error.message}`);
    }
  }

  function fillFilterChoices(data) {
    if (data.level !== "entity") return;
    const box = $("class-filter");
    const known = new Set([...box.querySelectorAll("input")].map((i) => i.value));
    const classes = [...new Set(data.nodes.map((n) => n.cls))].sort();
    for (const cls of classes) {
      if (known.has(cls)) continue;
      box.appendChild(el("label", {},
        el("input", { type: "checkbox", value: cls, checked: "checked" }),
        el("span", { className: "swatch", style: `background:${CLASS_COLOURS[cls] || CLASS_COLOURS.Unknown}` }),
        CLASS_NAMES[cls] || cls));
    }
    const select = $("relation");
    const relations = new Set([...select.options].map((o) => o.value));
    for (const rel of [...new Set(data.edges.map((e) => e.relation))].sort()) {
      if (!relations.has(rel)) select.appendChild(el("option", { value: rel }, `${RELATION_NAMES[rel] || rel} ${rel}`));
    }
  }

  // --- details panel ---------------------------------------------------------------------------------

  function clearDetails(title) {
    $("detail-title").textContent = title;
    $("detail-meta").replaceChildren();
    $("detail-actions").replaceChildren();
    $("detail-body").replaceChildren();
  }

  function evidenceItem(ev) {
    const href = ev.url ? safeHref(ev.url) : null;
    const source = [ev.title || ev.article_id || "", ev.date || ""].filter(Boolean).join(" · ");
    return el("blockquote", { className: "evidence" },
      el("div", { className: "sentence" }, ev.sentence),
      el("div", { className: "src" },
        href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, source || href) : source,
        ev.article_id ? el("span", {}, " · ", el("a", { href: `/api/articles/${encodeURIComponent(ev.article_id)}`, target: "_blank" }, "文章 JSON")) : null));
  }

  function tieBlock(tie) {
    const arrow = tie.direction === "out" ? "→" : "←";
    return el("div", { className: "tie" },
      el("div", {},
        el("span", { className: "rel" }, `${RELATION_NAMES[tie.relation] || tie.relation} ${arrow} `),
        el("a", { href: "#", onclick: (event) => { event.preventDefault(); selectEntity(tie.other.key, tie.other.iri); } }, tie.other.label),
        el("span", { className: "meta" }, ` (${tie.weight} 篇${tie.status === "planned" ? " · 计划" : ""}${tie.dates.length ? " · " + tie.dates.join(", ") : ""})`)),
      tie.evidence.map(evidenceItem));
  }

  async function showEntity(key) {
    clearDetails("加载中… loading");
    try {
      const entity = await getJSON(`/api/entities/${encodeURIComponent(key)}`, { evidence: 5 });
      $("detail-title").textContent = entity.label;
      put($("detail-meta"), 
        el("div", {}, `${CLASS_NAMES[entity.cls] || entity.cls || ""} · ${entity.region_label || "地区未知"} · hub ${entity.hub}`),
        entity.aliases.length ? el("div", {}, `别名: ${entity.aliases.join("、")}`) : null);
      put($("detail-actions"), 
        el("button", { type: "button", onclick: () => { state.ego = entity.key; $("level").value = "entity"; load(); } }, "自我网络 Ego network"),
        state.ego ? el("button", { type: "button", onclick: () => { state.ego = null; load(); } }, "全图 Full graph") : null);
      put($("detail-body"), entity.ties.length ? entity.ties.map(tieBlock) : el("p", {}, "没有关系 no ties"));
    } catch (error) {
      $("detail-title").textContent = "无法加载 could not load";
      put($("detail-body"), el("p", {}, error.message));
    }
  }

  async function showEdge(edgeId) {
    const edge = state.edges.get(edgeId);
    const raw = state.data.edges.find((e) => e.id === edgeId);
    if (!edge || !raw) return;
    if (state.level !== "entity") {
      const from = state.data.nodes.find((n) => n.id === raw.from);
      const to = state.data.nodes.find((n) => n.id === raw.to);
      clearDetails(`${from ? from.label : raw.from} → ${to ? to.label : raw.to}`);
      put($("detail-meta"), el("div", {}, `${raw.weight} 条关系 ties`));
      put($("detail-body"), el("ul", {}, Object.entries(raw.relations || {}).map(([r, n]) => el("li", {}, `${RELATION_NAMES[r] || r}: ${n}`))));
      return;
    }
    const key = (id) => (state.data.nodes.find((n) => n.id === id) || {}).key;
    clearDetails("加载中… loading");
    try {
      const result = await getJSON("/api/graph/edge", { source: key(raw.from), target: key(raw.to) });
      $("detail-title").textContent = `${result.source.label} — ${result.target.label}`;
      put($("detail-body"), result.ties.length ? result.ties.map(tieBlock) : el("p", {}, "没有证据 no evidence"));
    } catch (error) {
      put($("detail-body"), el("p", {}, error.message));
    }
  }

  function showRegion(nodeId) {
    const n = state.data.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    clearDetails(n.label);
    put($("detail-meta"), el("div", {}, `${n.region} · hub ${n.hub}${n.internal ? ` · 区内关系 ${n.internal}` : ""}`));
    put($("detail-actions"), el("button", { type: "button", onclick: () => {
      $("level").value = "entity"; $("region").value = n.region; state.ego = null; load();
    } }, "查看主体 Show actors"));
  }

  function onClick(params) {
    if (params.nodes.length) {
      const id = params.nodes[0];
      if (state.level === "entity") {
        const n = state.data.nodes.find((x) => x.id === id);
        if (n) showEntity(n.key);
      } else {
        showRegion(id);
      }
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    }
  }

  async function selectEntity(key, iri) {
    if (state.level !== "entity" || (iri && !state.nodes.get(iri))) {
      state.ego = key;
      $("level").value = "entity";
      await load();
    }
    if (iri && state.nodes.get(iri)) {
      state.network.selectNodes([iri]);
      state.network.focus(iri, { scale: 1.2, animation: false });
      labelNodesInView();
    }
    await showEntity(key);
  }

  // --- search ----------------------------------------------------------------------------------------

  async function search() {
    const q = $("search").value.trim();
    const list = $("search-results");
    list.replaceChildren();
    if (!q) return;
    try {
      const result = await getJSON("/api/entities", { q, limit: 20 });
      if (!result.results.length) put(list, el("li", {}, "没有结果 no match"));
      for (const entity of result.results) {
        put(list, el("li", {}, el("button", { type: "button", "data-key": entity.key,
          onclick: () => selectEntity(entity.key, entity.iri) },
          el("span", { className: "swatch", style: `background:${CLASS_COLOURS[entity.cls] || CLASS_COLOURS.Unknown}` }),
          entity.label, el("span", { className: "meta" }, ` ${entity.region_label || ""}`))));
      }
    } catch (error) {
      put(list, el("li", {}, error.message));
    }
  }

  // --- transfer path ---------------------------------------------------------------------------------

  async function highlightPath() {
    const source = $("path-source").value.trim();
    const target = $("path-target").value.trim();
    const out = $("path-result");
    out.replaceChildren();
    if (!source || !target) return;
    try {
      let result = await getJSON("/api/analysis/paths", { source, target, k: 1 });
      if (!result.paths.length) result = await getJSON("/api/analysis/paths", { source, target, k: 1, mode: "any" });
      if (!result.paths.length) {
        put(out, el("li", {}, "没有路径 no path"));
        return;
      }
      const path = result.paths[0];
      if (state.level !== "entity" || state.ego || path.nodes.some((n) => !state.nodes.get(n.iri))) {
        state.ego = null;
        $("level").value = "entity";
        for (const id of ["region", "start", "end", "relation"]) $(id).value = "";
        await load();
      }
      applyHighlight(path.nodes.map((n) => n.iri));
      path.nodes.forEach((n, i) => put(out, el("li", { "data-key": n.key }, n.label,
        i < path.steps.length ? el("span", { className: "meta" }, ` —${path.steps[i].relations.map((r) => RELATION_NAMES[r] || r).join("/")}→`) : null)));
      put(out, el("li", { className: "meta" }, result.method));
      state.network.fit({ nodes: path.nodes.map((n) => n.iri), animation: false });
    } catch (error) {
      put(out, el("li", {}, error.message));
    }
  }

  function applyHighlight(nodeIds) {
    const before = state.highlighted;
    const beforeEdges = state.highlightedEdges;
    state.highlighted = new Set(nodeIds);
    state.highlightedEdges = new Set();
    for (let i = 0; i + 1 < nodeIds.length; i++) {
      for (const e of state.data.edges) {
        if ((e.from === nodeIds[i] && e.to === nodeIds[i + 1]) || (e.to === nodeIds[i] && e.from === nodeIds[i + 1])) {
          state.highlightedEdges.add(e.id);
        }
      }
    }
    // Restyle only what changes, and only edges already added (large graphs add edges progressively).
    const changedNodes = new Set([...before, ...state.highlighted]);
    const changedEdges = new Set([...beforeEdges, ...state.highlightedEdges]);
    state.nodes.update(state.data.nodes.filter((n) => changedNodes.has(n.id)).map((n) => nodeStyle(n, true)));
    // A path edge beyond the edge budget is added to the drawing.
    state.edges.update(state.data.edges.filter((e) => changedEdges.has(e.id) && (state.edges.get(e.id) || state.highlightedEdges.has(e.id)))
      .map((e) => edgeStyle(e, true)));
    document.body.dataset.highlighted = String(state.highlighted.size);
  }

  // --- wiring ----------------------------------------------------------------------------------------

  $("search-go").addEventListener("click", search);
  $("search").addEventListener("keydown", (event) => { if (event.key === "Enter") search(); });
  $("apply").addEventListener("click", () => { state.highlighted.clear(); state.highlightedEdges.clear(); load(); });
  $("reset").addEventListener("click", () => {
    for (const id of ["region", "start", "end", "relation"]) $(id).value = "";
    document.querySelectorAll("#class-filter input").forEach((i) => { i.checked = true; });
    state.ego = null; state.highlighted.clear(); state.highlightedEdges.clear();
    $("level").value = "entity";
    load();
  });
  $("level").addEventListener("change", () => { state.ego = null; load(); });
  $("physics").addEventListener("change", () => { if (state.data) draw(state.data); });
  $("all-edges").addEventListener("change", () => { if (state.data) draw(state.data); });
  $("path-go").addEventListener("click", highlightPath);
  load();
})();
