// One handset's thread: messages to it (outgoing) with their status timelines, and its replies (incoming).

import { api } from "./api.js";
import { clockTime, dateTime, epochOf, h, plural, statusChip } from "./dom.js";

// Timelines are fetched for this many of the newest messages of a thread.
const TIMELINE_LIMIT = 100;

export async function loadThread(number) {
  const [{ messages }, { mo }] = await Promise.all([api.messages({ to: number }), api.mos({ from: number })]);
  const recent = messages.slice(0, TIMELINE_LIMIT);
  const timelines = await Promise.all(
    recent.map((m) => Promise.all([api.notifications(m.id), api.callbacks({ message: m.id })])),
  );
  const notes = new Map();
  const deliveries = [];
  recent.forEach((m, i) => {
    notes.set(m.id, timelines[i][0].notifications);
    deliveries.push(...timelines[i][1].callbacks);
  });
  if (mo.some((r) => !r.in_reply_to)) {
    // Replies that answer no message carry no message id: look their callbacks up by kind.
    deliveries.push(...(await api.callbacks({ kind: "mo", limit: 5000 })).callbacks);
  }
  return { number, messages, mos: mo, notes, deliveries };
}

function attemptRows(delivery) {
  const label = delivery.kind === "mo" ? "MO callback" : "Status callback";
  if (!delivery.attempts.length) {
    return [{
      at: delivery.created_at,
      node: row("callback", delivery.created_at, label, delivery.url, h("span.muted", {}, "pending")),
    }];
  }
  return delivery.attempts.map((a, i) => {
    const ok = a.status !== null && a.status >= 200 && a.status < 300;
    const outcome = [
      h(`span.http.${ok ? "ok" : "bad"}`, {}, a.status === null ? "no answer" : `HTTP ${a.status}`),
      h("span.muted", {}, ` ${a.latency_ms.toFixed(1)} ms`),
      a.error ? h("span.error-text", {}, ` ${a.error}`) : null,
      i === delivery.attempts.length - 1 && delivery.state !== "DELIVERED"
        ? h("span.muted", {}, delivery.state === "FAILED" ? " · gave up" : ` · retry at ${clockTime(delivery.next_attempt_at)}`)
        : null,
    ];
    const title = delivery.attempts.length > 1 ? `${label} #${i + 1}` : label;
    return { at: a.at, node: row("callback", a.at, title, `${delivery.method} ${delivery.url}`, outcome) };
  });
}

function row(kind, at, title, detail, outcome) {
  return h(
    `li.event.${kind}`,
    {},
    h("time", { datetime: at, title: dateTime(at) }, clockTime(at)),
    h("span.what", {}, title),
    h("span.detail", {}, detail),
    h("span.outcome", {}, outcome),
  );
}

function noteRow(note, parts) {
  const what = [statusChip(note.status), parts > 1 ? h("span.muted", {}, ` part ${note.part}/${parts}`) : null];
  const outcome = [
    note.code ? h("code", {}, note.code) : null,
    note.reason ? h("span.muted", {}, ` ${note.reason}`) : null,
    note.retriable === true ? h("span.muted", {}, " · retriable") : null,
  ];
  return { at: note.created_at, node: row("note", note.created_at, what, `order ${note.part_id}`, outcome) };
}

function timeline(entries) {
  if (!entries.length) return null;
  entries.sort((a, b) => epochOf(a.at) - epochOf(b.at));
  return h("ol.timeline", {}, entries.map((e) => e.node));
}

function outgoing(message, data, ctx) {
  const notes = (data.notes.get(message.id) || []).map((n) => noteRow(n, message.part_count));
  const calls = data.deliveries.filter((d) => d.kind === "status" && d.message_id === message.id);
  const meta = [
    message.origin ? `from ${message.origin}` : null,
    message.provider,
    message.encoding,
    plural(message.part_count, "part"),
    message.account,
  ].filter(Boolean);
  const scenario = message.scenario
    ? h("button.chip.scenario", { type: "button", title: "Scenario it followed", onclick: () => ctx.onScenario(message.scenario) },
      message.scenario)
    : null;
  return h(
    "li.item.out",
    { dataset: { id: message.id } },
    h("div.bubble", {}, h("p.text", {}, message.text), h("div.meta", {}, meta.join(" · "), " ", scenario)),
    h("div.status-line", {}, statusChip(message.status), h("time", { title: dateTime(message.created_at) },
      ` sent ${clockTime(message.created_at)}`), message.reason ? h("span.muted", {}, ` · ${message.reason}`) : null),
    timeline([...notes, ...calls.flatMap(attemptRows)]),
  );
}

function incoming(mo, data) {
  const calls = data.deliveries.filter((d) => d.kind === "mo" && d.subject_id === mo.id);
  return h(
    "li.item.in",
    { dataset: { id: mo.id } },
    h("div.bubble", {}, h("p.text", {}, mo.text), h("div.meta", {}, `to ${mo.to} · ${mo.provider} · ${mo.account}`)),
    h("div.status-line", {}, h("span.status.status-mo", {}, "REPLY"),
      h("time", { title: dateTime(mo.received_at) }, ` received ${clockTime(mo.received_at)}`)),
    timeline(calls.flatMap(attemptRows)),
  );
}

export function renderThread(list, data, ctx) {
  const items = [
    ...data.messages.map((m) => ({ at: epochOf(m.created_at), node: () => outgoing(m, data, ctx) })),
    ...data.mos.map((m) => ({ at: epochOf(m.received_at), node: () => incoming(m, data) })),
  ].sort((a, b) => a.at - b.at);
  const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(...items.map((i) => i.node()));
  if (stick || ctx.fresh) list.scrollTop = list.scrollHeight;
}

export function summary(data) {
  const parts = [plural(data.messages.length, "message")];
  if (data.mos.length) parts.push(data.mos.length === 1 ? "1 reply" : `${data.mos.length} replies`);
  const accounts = new Set([...data.messages, ...data.mos].map((m) => m.account));
  if (accounts.size) parts.push(`account ${[...accounts].join(", ")}`);
  return parts.join(" · ");
}

// Where a reply goes by default: the number or sender id that last texted this handset.
export function defaultReplyTarget(data) {
  const latest = data.messages.find((m) => m.origin);
  return latest ? latest.origin : "";
}

export function replyAccount(data) {
  return data.messages.length ? data.messages[0].account : data.mos.length ? data.mos[0].account : undefined;
}
