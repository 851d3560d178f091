// The conversation list: every handset number the gateway texted or heard from, latest activity first.

import { ago, digits, epochOf, formatNumber, h, plural, statusChip } from "./dom.js";

function activityOf(message) {
  return Math.max(epochOf(message.created_at), epochOf(message.status_at));
}

// Messages arrive newest first; replies in any order. One entry per handset number.
export function groupConversations(messages, mos) {
  const byNumber = new Map();
  const entry = (number) => {
    if (!byNumber.has(number)) {
      byNumber.set(number, { number, mt: [], mo: [], last: 0, lastMt: null, preview: null, accounts: new Set() });
    }
    return byNumber.get(number);
  };
  for (const message of messages) {
    const c = entry(digits(message.destination));
    c.mt.push(message);
    c.accounts.add(message.account);
    if (!c.lastMt || epochOf(message.created_at) >= epochOf(c.lastMt.created_at)) c.lastMt = message;
    touch(c, activityOf(message), { text: message.text, incoming: false }, epochOf(message.created_at));
  }
  for (const mo of mos) {
    const c = entry(digits(mo.from));
    c.mo.push(mo);
    c.accounts.add(mo.account);
    touch(c, epochOf(mo.received_at), { text: mo.text, incoming: true }, epochOf(mo.received_at));
  }
  return [...byNumber.values()].sort((a, b) => b.last - a.last || a.number.localeCompare(b.number));
}

function touch(c, activity, preview, at) {
  c.last = Math.max(c.last, activity);
  if (!c.preview || at >= c.previewAt) {
    c.preview = preview;
    c.previewAt = at;
  }
}

export function matches(c, { q, status, provider }) {
  if (status && !c.mt.some((m) => m.status === status)) return false;
  if (provider && !c.mt.some((m) => m.provider === provider) && !c.mo.some((m) => m.provider === provider)) {
    return false;
  }
  if (!q) return true;
  const needle = q.toLowerCase();
  if (digits(needle) && c.number.includes(digits(needle))) return true;
  return [...c.mt, ...c.mo].some((m) => m.text.toLowerCase().includes(needle));
}

export function renderConversations(list, conversations, { selected, nowEpoch }) {
  if (!conversations.length) {
    list.replaceChildren(
      h("li.empty", {}, h("strong", {}, "No conversations yet"),
        h("p", {}, "Send a message through any provider API — it shows up here as it happens.")),
    );
    return;
  }
  list.replaceChildren(...conversations.map((c) => item(c, selected, nowEpoch)));
}

function item(c, selected, nowEpoch) {
  const counts = [plural(c.mt.length, "message")];
  if (c.mo.length) counts.push(c.mo.length === 1 ? "1 reply" : `${c.mo.length} replies`);
  const preview = c.preview || { text: "", incoming: false };
  return h(
    "li",
    {},
    h(
      "a.conversation",
      {
        href: `#/n/${c.number}`,
        "aria-current": c.number === selected ? "page" : null,
        dataset: { number: c.number },
      },
      h("div.line",
        {},
        h("strong.number", {}, formatNumber(c.number)),
        h("time.when", { datetime: new Date(c.last * 1000).toISOString() }, ago(new Date(c.last * 1000).toISOString(), nowEpoch))),
      h("div.preview", {}, preview.incoming ? h("span.incoming-mark", {}, "↩ ") : null, preview.text),
      h("div.line",
        {},
        h("span.counts", {}, counts.join(" · "), " · ", [...c.accounts].join(", ")),
        c.lastMt ? statusChip(c.lastMt.status) : h("span.status.status-mo", {}, "REPLY")),
    ),
  );
}
