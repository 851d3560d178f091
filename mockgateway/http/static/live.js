// Live updates: the gateway's event stream, with bursts of events folded into one refresh.

import { $ } from "./dom.js";

// Events arriving together cause one refresh; a steady stream causes one refresh per period, not none.
const DEBOUNCE_MS = 200;

export function connectLive(onChange) {
  const badge = $("#live");
  let timer = 0;
  let kinds = new Set();
  const source = new EventSource("/__admin/events");
  const show = (state, text) => {
    badge.dataset.state = state;
    badge.textContent = text;
  };
  source.addEventListener("open", () => {
    show("on", "live");
    onChange(new Set(["reconnect"])); // catch up on whatever happened while disconnected
  });
  source.addEventListener("error", () => show("off", "reconnecting…"));
  for (const kind of ["message", "notification", "mo", "callback", "clock", "reset"]) {
    source.addEventListener(kind, () => {
      kinds.add(kind);
      if (timer) return;
      timer = setTimeout(() => {
        const batch = kinds;
        kinds = new Set();
        timer = 0;
        onChange(batch);
      }, DEBOUNCE_MS);
    });
  }
  return source;
}
