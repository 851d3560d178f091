// The web UI: conversations on the left, the selected handset's thread on the right, kept live.

import { api } from "./api.js";
import { $, digits, formatNumber, toast } from "./dom.js";
import { groupConversations, matches, renderConversations } from "./conversations.js";
import { connectLive } from "./live.js";
import { defaultReplyTarget, loadThread, renderThread, replyAccount, summary } from "./thread.js";
import {
  fillFilterChoices, gatewayNow, loadScenarios, openScenarios, refreshClock, setUpClock, setUpDialogs,
} from "./toolbar.js";

const state = { selected: null, thread: null, replyFor: null };

function filters() {
  return {
    q: $("#search").value.trim(),
    provider: $("#filter-provider").value,
    account: $("#filter-account").value,
    status: $("#filter-status").value,
  };
}

async function refreshList() {
  const f = filters();
  const [{ messages }, { mo }] = await Promise.all([
    api.messages({ account: f.account, provider: f.provider }),
    api.mos({ account: f.account }),
  ]);
  const conversations = groupConversations(messages, mo).filter((c) => matches(c, f));
  $("#conversation-count").textContent = String(conversations.length);
  renderConversations($("#conversations"), conversations, { selected: state.selected, nowEpoch: gatewayNow() });
}

async function refreshThread(fresh = false) {
  const number = state.selected;
  $("#layout").classList.toggle("has-thread", Boolean(number));
  $("#thread-placeholder").hidden = Boolean(number);
  $("#phone").hidden = !number;
  if (!number) return;
  const data = await loadThread(number);
  if (number !== state.selected) return; // another conversation was opened meanwhile
  state.thread = data;
  $("#thread-number").textContent = formatNumber(number);
  $("#thread-summary").textContent = summary(data);
  renderThread($("#bubbles"), data, { fresh, onScenario: openScenarios });
  if (state.replyFor !== number) {
    // A new thread: suggest where the reply goes; later refreshes leave what the user typed alone.
    state.replyFor = number;
    $("#reply-to").value = defaultReplyTarget(data);
    $("#reply-text").value = "";
    $("#reply-error").hidden = true;
  } else if (!$("#reply-to").value) {
    $("#reply-to").value = defaultReplyTarget(data);
  }
}

// One refresh at a time; changes during a refresh cause exactly one more afterwards.
let running = null;
let again = false;
function refresh({ thread = true, fresh = false } = {}) {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      await Promise.all([refreshList(), thread ? refreshThread(fresh) : null]);
    } catch (error) {
      toast(error.message);
    } finally {
      running = null;
      if (again) {
        again = false;
        refresh();
      }
    }
  })();
  return running;
}

function route() {
  const match = location.hash.match(/^#\/n\/(\d+)/);
  const number = match ? digits(match[1]) : null;
  const changed = number !== state.selected;
  state.selected = number;
  if (changed) refresh({ fresh: true });
}

async function sendReply(event) {
  event.preventDefault();
  const error = $("#reply-error");
  const text = $("#reply-text");
  const button = $("#reply-send");
  button.disabled = true;
  try {
    await api.injectMo({
      from: `+${state.selected}`,
      to: $("#reply-to").value.trim(),
      text: text.value,
      account: state.thread ? replyAccount(state.thread) : undefined,
    });
    text.value = "";
    error.hidden = true;
    await refresh({ fresh: true });
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

function setUp() {
  let typing = 0;
  const filtered = () => {
    clearTimeout(typing);
    typing = setTimeout(() => refresh({ thread: false }), 150);
  };
  for (const control of [$("#search"), ...document.querySelectorAll("#filters select")]) {
    control.addEventListener("input", filtered);
  }
  $("#search-form").addEventListener("submit", (event) => event.preventDefault());
  $("#reply").addEventListener("submit", sendReply);
  $("#reply-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("#reply").requestSubmit();
    }
  });
  setUpClock(() => refresh());
  setUpDialogs(() => refresh({ fresh: true }));
  window.addEventListener("hashchange", route);
}

async function start() {
  setUp();
  await Promise.all([refreshClock(), loadScenarios(), fillFilterChoices()]).catch((error) => toast(error.message));
  route();
  if (!state.selected) refresh();
  connectLive((kinds) => {
    if (kinds.has("clock") || kinds.has("reset") || kinds.has("reconnect")) refreshClock().catch(() => {});
    refresh();
  });
}

start();
