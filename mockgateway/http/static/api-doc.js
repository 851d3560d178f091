// Renders the admin API's OpenAPI document: operations by tag, their parameters, bodies and answers.
// Text always goes in as text nodes, never as HTML.
import { h } from "./dom.js";

const METHODS = ["get", "put", "post", "delete", "patch"];

// Markdown's `code` spans as <code>, the rest as text.
function prose(text) {
  return String(text || "").split("`").map((part, i) => (i % 2 ? h("code", {}, part) : part));
}

function refName(ref) {
  return ref.split("/").pop();
}

function resolve(document, item) {
  let found = item;
  while (found && found.$ref) {
    found = found.$ref.split("/").slice(1).reduce((node, key) => node[key], document);
  }
  return found || {};
}

function typeOf(document, schema) {
  const resolved = resolve(document, schema);
  if (schema.$ref) return resolved.enum ? `${refName(schema.$ref)}: ${resolved.enum.join(" | ")}` : refName(schema.$ref);
  let type = resolved.type || (resolved.oneOf ? "one of" : resolved.allOf ? "all of" : "any");
  if (type === "array" && resolved.items) type = `array of ${typeOf(document, resolved.items)}`;
  if (resolved.enum) type += `: ${resolved.enum.join(" | ")}`;
  if (resolved.minimum !== undefined || resolved.maximum !== undefined) {
    type += ` (${resolved.minimum ?? ""}…${resolved.maximum ?? ""})`;
  }
  if (resolved.nullable) type += ", or null";
  return type;
}

// A schema as a nested list of its properties; a named schema is shown once per operation.
function schemaTree(document, schema, seen = new Set()) {
  const name = schema.$ref ? refName(schema.$ref) : null;
  if (name && seen.has(name)) return null;
  if (name) seen = new Set([...seen, name]);
  const resolved = resolve(document, schema);
  const parts = [...(resolved.allOf || []), ...(resolved.oneOf || [])];
  if (parts.length) {
    return h("ul.schema", {}, parts.map((part) => h("li", {}, h("span.type", {}, typeOf(document, part)),
      schemaTree(document, part, seen))));
  }
  if (resolved.type === "array" && resolved.items) return schemaTree(document, resolved.items, seen);
  const properties = Object.entries(resolved.properties || {});
  if (!properties.length) return null;
  const required = new Set(resolved.required || []);
  return h("ul.schema", {}, properties.map(([key, value]) => h("li", {},
    h("code", {}, key), " ", h("span.type", {}, typeOf(document, value)),
    required.has(key) ? h("span.required", {}, " required") : null,
    value.description ? [" — ", prose(value.description)] : null,
    schemaTree(document, value, seen))));
}

function parametersTable(document, parameters) {
  if (!parameters.length) return null;
  return h("table.parameters", {},
    h("thead", {}, h("tr", {}, h("th", {}, "Parameter"), h("th", {}, "In"), h("th", {}, "Type"),
      h("th", {}, "Description"))),
    h("tbody", {}, parameters.map((raw) => {
      const p = resolve(document, raw);
      return h("tr", {}, h("td", {}, h("code", {}, p.name), p.required ? h("span.required", {}, " required") : null),
        h("td", {}, p.in), h("td.type", {}, typeOf(document, p.schema || {})), h("td", {}, prose(p.description)));
    })));
}

function bodyOf(document, content) {
  return Object.entries(content || {}).map(([mediaType, media]) => h("div", {},
    h("span.type", {}, mediaType), media.schema ? [" ", h("span.type", {}, typeOf(document, media.schema))] : null,
    media.schema ? schemaTree(document, media.schema) : null));
}

function operationView(document, method, path, operation) {
  const open = Array.isArray(operation.security) && operation.security.length === 0;
  const answers = Object.entries(operation.responses || {}).map(([status, raw]) => {
    const response = resolve(document, raw);
    return h("li", {}, h("strong", {}, status), " ", prose(response.description), bodyOf(document, response.content));
  });
  const body = operation.requestBody ? resolve(document, operation.requestBody) : null;
  return h("section.operation", { id: operation.operationId, dataset: { method, path } },
    h("h3", {}, h("span", { class: `method ${method}` }, method), h("span.path", {}, path),
      open ? h("span.open", {}, "no token") : null),
    h("p", {}, prose(operation.summary)),
    operation.description ? h("p", {}, prose(operation.description)) : null,
    parametersTable(document, operation.parameters || []),
    body ? [h("h4", {}, "Request body"), bodyOf(document, body.content)] : null,
    h("h4", {}, "Responses"), h("ul", {}, answers));
}

function render(document) {
  document.info && (window.document.getElementById("title").textContent = document.info.title);
  window.document.getElementById("description").replaceChildren(...prose(document.info?.description).flat());
  const byTag = new Map();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      const tag = (item[method].tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, path, item[method]]);
    }
  }
  const main = window.document.getElementById("operations");
  main.replaceChildren(...[...byTag].map(([tag, operations]) => h("section.tag", {},
    h("h2", {}, tag), operations.map(([method, path, op]) => operationView(document, method, path, op)))));
  window.document.getElementById("toc").replaceChildren(h("ul", {}, [...byTag.values()].flat().map(
    ([method, path, op]) => h("li", {}, h("a", { href: `#${op.operationId}` }, `${method.toUpperCase()} ${path}`)))));
  main.dataset.state = "ready";
}

async function load() {
  const main = window.document.getElementById("operations");
  try {
    const response = await fetch("../openapi.json");
    if (!response.ok) throw new Error(`the document answered ${response.status}`);
    render(await response.json());
  } catch (error) {
    main.textContent = `Could not load the document: ${error.message}`;
    main.dataset.state = "failed";
  }
}

load();
