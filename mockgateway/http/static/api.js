// The admin JSON API, as the UI uses it. Errors carry the API's own message.

const BASE = "/__admin";
// Per tab: sessionStorage ends with the tab, and no other site or tab can read it.
const TOKEN_KEY = "mockgateway.adminToken";
let declined = false;

export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// Asked when the gateway answers 401 (it was started with --admin-token), once per tab unless declined.
function askForToken() {
  if (declined) return false;
  const token = window.prompt("This gateway's admin API needs its token (mockgateway serve --admin-token):");
  if (!token || !token.trim()) {
    declined = true;
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

async function call(method, path, body) {
  for (;;) {
    const sent = sessionStorage.getItem(TOKEN_KEY);
    const init = { method, headers: { Accept: "application/json", ...authHeaders() } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(BASE + path, init);
    // Another call may have asked for the token meanwhile: then try again with it rather than ask twice.
    if (response.status === 401 && (sessionStorage.getItem(TOKEN_KEY) !== sent || askForToken())) continue;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `${method} ${path}: HTTP ${response.status}`);
    return data;
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

// The most replies the page shows; the admin API lists them oldest first, so past it the page asks for the
// newest ones by their offset.
const MO_LIMIT = 5000;

async function newestMos(filters = {}) {
  const first = await call("GET", `/mo${query({ limit: MO_LIMIT, ...filters })}`);
  if (first.total <= MO_LIMIT) return first;
  return call("GET", `/mo${query({ limit: MO_LIMIT, offset: first.total - MO_LIMIT, ...filters })}`);
}

export const api = {
  messages: (filters = {}) => call("GET", `/messages${query({ limit: 1000, ...filters })}`),
  mos: newestMos,
  notifications: (messageId) => call("GET", `/notifications${query({ message: messageId })}`),
  callbacks: (filters) => call("GET", `/callbacks${query(filters)}`),
  accounts: () => call("GET", "/accounts"),
  scenarios: () => call("GET", "/scenarios"),
  clock: () => call("GET", "/clock"),
  advance: (seconds) => call("POST", "/clock/advance", { seconds }),
  injectMo: (mo) => call("POST", "/mo", mo),
  reset: () => call("DELETE", "/state"),
};
