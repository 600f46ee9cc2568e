/* kg SPARQL query page: examples from /api/queries, results from /sparql, everything inserted as text. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "className") node.className = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function post(accept) {
    const body = new URLSearchParams({ query: $("editor").value });
    return fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body,
    });
  }

  function termText(term) {
    if (!term) return "";
    if (term.type === "literal" && term["xml:lang"]) return `${term.value} @${term["xml:lang"]}`;
    if (term.type === "bnode") return `_:${term.value}`;
    if (term.type === "triple") return `<< ${termText(term.value.subject)} ${termText(term.value.predicate)} ${termText(term.value.object)} >>`;
    return term.value;
  }

  function showError(text) {
    $("output").replaceChildren(el("pre", { className: "error" }, text));
  }

  async function run() {
    $("query-status").textContent = "运行中… running";
    document.body.dataset.state = "running";
    const started = performance.now();
    try {
      const response = await post("application/sparql-results+json, text/turtle;q=0.9");
      const media = (response.headers.get("content-type") || "").split(";")[0];
      const text = await response.text();
      const ms = Math.round(performance.now() - started);
      if (!response.ok) {
        showError(`${response.status}: ${text}`);
        $("query-status").textContent = `错误 error (${ms} ms)`;
        document.body.dataset.state = "error";
        return;
      }
      if (media === "application/sparql-results+json") {
        const data = JSON.parse(text);
        if ("boolean" in data) {
          $("output").replaceChildren(el("p", {}, `ASK → ${data.boolean}`));
          $("query-status").textContent = `${ms} ms`;
        } else {
          const vars = data.head.vars;
          const table = el("table", { className: "results-table" },
            el("thead", {}, el("tr", {}, vars.map((v) => el("th", {}, v)))),
            el("tbody", {}, data.results.bindings.map((row) => el("tr", {}, vars.map((v) => el("td", {}, termText(row[v])))))));
          $("output").replaceChildren(table);
          const capped = response.headers.get("x-kg-results-truncated") ? ` · 已截断 truncated at ${response.headers.get("x-kg-result-cap")}` : "";
          $("query-status").textContent = `${data.results.bindings.length} 行 rows · ${ms} ms${capped}`;
        }
      } else {
        $("output").replaceChildren(el("pre", {}, text));
        $("query-status").textContent = `${ms} ms`;
      }
      document.body.dataset.state = "done";
    } catch (error) {
      showError(String(error));
      document.body.dataset.state = "error";
    }
  }

  async function download(button) {
    const response = await post(button.dataset.accept);
    if (!response.ok) {
      showError(`${response.status}: ${await response.text()}`);
      return;
    }
    const blob = await response.blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: `kg-results.${button.dataset.ext}` });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  async function loadExamples() {
    try {
      const response = await fetch("/api/queries");
      const examples = await response.json();
      const select = $("examples");
      for (const example of examples) select.appendChild(el("option", { value: example.name }, `${example.name} — ${example.title}`));
      select.addEventListener("change", () => {
        const chosen = examples.find((e) => e.name === select.value);
        if (chosen) $("editor").value = chosen.query;
      });
    } catch (error) {
      showError(`could not load examples: ${error}`);
    }
  }

  $("run").addEventListener("click", run);
  $("editor").addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(); });
  document.querySelectorAll("button.download").forEach((b) => b.addEventListener("click", () => download(b)));
  loadExamples();
})();
