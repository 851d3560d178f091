// Live updates: the gateway's event stream, with bursts of events folded into one refresh.
// Read with fetch rather than EventSource, which cannot send the admin token.

import { authHeaders } from "./api.js";
import { $ } from "./dom.js";

// Events arriving together cause one refresh; a steady stream causes one refresh per period, not none.
const DEBOUNCE_MS = 200;
const RETRY_MS = 2000;
const KINDS = new Set(["message", "notification", "mo", "callback", "clock", "reset"]);

// The event names in a chunk of the stream; ``rest`` is an incomplete event kept for the next chunk.
function parseEvents(text) {
  const blocks = text.split("\n\n");
  const rest = blocks.pop();
  const kinds = [];
  for (const block of blocks) {
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) kinds.push(line.slice(6).trim());
    }
  }
  return { kinds, rest };
}

export function connectLive(onChange) {
  const badge = $("#live");
  let timer = 0;
  let kinds = new Set();
  const show = (state, text) => {
    badge.dataset.state = state;
    badge.textContent = text;
  };
  const received = (kind) => {
    if (!KINDS.has(kind)) return;
    kinds.add(kind);
    if (timer) return;
    timer = setTimeout(() => {
      const batch = kinds;
      kinds = new Set();
      timer = 0;
      onChange(batch);
    }, DEBOUNCE_MS);
  };
  const connect = async () => {
    try {
      const response = await fetch("/__admin/events", { headers: { Accept: "text/event-stream", ...authHeaders() } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      show("on", "live");
      onChange(new Set(["reconnect"])); // catch up on whatever happened while disconnected
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        parsed.kinds.forEach(received);
      }
    } catch {
      // the stream broke or was refused: reconnect below, with the token if one was given meanwhile
    }
    show("off", "reconnecting…");
    setTimeout(connect, RETRY_MS);
  };
  connect();
}
