// The top bar: the gateway clock (advanced by hand when virtual), scenarios, reset, and filter choices.

import { api } from "./api.js";
import { $, dateTime, h, toast } from "./dom.js";

const clockState = { epoch: 0, mode: "real", fetchedAt: 0 };

// The gateway's "now": read from it, then carried forward on the real clock between reads.
export function gatewayNow() {
  if (clockState.mode === "virtual") return clockState.epoch;
  return clockState.epoch + (Date.now() - clockState.fetchedAt) / 1000;
}

export async function refreshClock() {
  const clock = await api.clock();
  Object.assign(clockState, { epoch: clock.epoch, mode: clock.mode, fetchedAt: Date.now() });
  showClock();
}

function showClock() {
  const virtual = clockState.mode === "virtual";
  $("#clock-mode").textContent = virtual ? "virtual clock" : "real clock";
  $("#clock").classList.toggle("virtual", virtual);
  $("#advance").hidden = !virtual;
  const iso = new Date(gatewayNow() * 1000).toISOString();
  $("#clock-now").textContent = dateTime(iso);
  $("#clock-now").setAttribute("datetime", iso);
}

export function setUpClock(onAdvanced) {
  $("#advance").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-seconds]");
    if (!button) return;
    button.disabled = true;
    try {
      const clock = await api.advance(Number(button.dataset.seconds));
      Object.assign(clockState, { epoch: clock.epoch, mode: clock.mode, fetchedAt: Date.now() });
      showClock();
      onAdvanced();
    } catch (error) {
      toast(error.message);
    } finally {
      button.disabled = false;
    }
  });
  setInterval(() => clockState.mode === "real" && clockState.fetchedAt && showClock(), 1000);
}

let scenarios = [];

export async function loadScenarios() {
  scenarios = (await api.scenarios()).scenarios;
}

export function openScenarios(highlight) {
  const list = $("#scenarios");
  list.replaceChildren(
    ...scenarios.map((s) =>
      h(
        "li.scenario-item",
        { id: `scenario-${s.name}`, "aria-current": s.name === highlight ? "true" : null },
        h("div.line", {}, h("strong", {}, s.name), h("span.muted", {}, s.source || "")),
        h("p", {}, s.description || "No description."),
        h("p.muted", {}, describe(s)),
      ),
    ),
  );
  const dialog = $("#scenarios-dialog");
  if (!dialog.open) dialog.showModal();
  if (highlight) document.getElementById(`scenario-${highlight}`)?.scrollIntoView({ block: "center" });
}

function describe(s) {
  const parts = [`${s.steps} status step${s.steps === 1 ? "" : "s"}`];
  if (s.replies) parts.push(`${s.replies} repl${s.replies === 1 ? "y" : "ies"}`);
  if (s.on_send?.respond) parts.push(`send answers ${s.on_send.respond}`);
  if (s.probability !== null && s.probability !== undefined && s.probability < 1) {
    parts.push(`probability ${s.probability}`);
  }
  return parts.join(" · ");
}

export function setUpDialogs(onReset) {
  $("#open-scenarios").addEventListener("click", () => openScenarios());
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  const reset = $("#reset-dialog");
  $("#open-reset").addEventListener("click", () => reset.showModal());
  reset.addEventListener("close", async () => {
    if (reset.returnValue !== "reset") return;
    try {
      await api.reset();
      toast("The sandbox is empty again.");
      onReset();
    } catch (error) {
      toast(error.message);
    }
  });
}

// Filter choices: the providers and accounts the gateway knows, plus any seen in the data.
export async function fillFilterChoices() {
  const { accounts } = await api.accounts();
  fill($("#filter-account"), accounts.map((a) => a.name));
  fill($("#filter-provider"), [...new Set(accounts.flatMap((a) => a.providers))].sort());
}

function fill(select, values) {
  const known = new Set([...select.options].map((o) => o.value));
  for (const value of values) if (!known.has(value)) select.append(h("option", { value }, value));
}
