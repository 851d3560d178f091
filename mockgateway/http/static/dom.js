// Small DOM and formatting helpers. Text always goes in as text nodes, never as HTML.

export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const $ = (selector) => document.querySelector(selector);

export function digits(number) {
  return String(number || "").replace(/\D/g, "");
}

export function formatNumber(number) {
  const d = digits(number);
  return d ? `+${d}` : String(number || "");
}

export function epochOf(iso) {
  return iso ? Date.parse(iso) / 1000 : 0;
}

// Times are the gateway's (possibly virtual) clock, in UTC.
export function clockTime(iso) {
  return iso ? iso.slice(11, 19) : "";
}

export function dateTime(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : "";
}

export function ago(iso, nowEpoch) {
  const seconds = Math.max(0, Math.round(nowEpoch - epochOf(iso)));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function statusChip(status) {
  return h(`span.status.status-${String(status || "").toLowerCase()}`, {}, status || "—");
}

export function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

let toastTimer = 0;
export function toast(message) {
  const el = $("#toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 4000);
}
