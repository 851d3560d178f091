// The admin JSON API, as the UI uses it. Errors carry the API's own message.

const BASE = "/__admin";

async function call(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(BASE + path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `${method} ${path}: HTTP ${response.status}`);
  return data;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const api = {
  messages: (filters = {}) => call("GET", `/messages${query({ limit: 1000, ...filters })}`),
  mos: (filters = {}) => call("GET", `/mo${query({ limit: 5000, ...filters })}`),
  notifications: (messageId) => call("GET", `/notifications${query({ message: messageId })}`),
  callbacks: (filters) => call("GET", `/callbacks${query(filters)}`),
  accounts: () => call("GET", "/accounts"),
  scenarios: () => call("GET", "/scenarios"),
  clock: () => call("GET", "/clock"),
  advance: (seconds) => call("POST", "/clock/advance", { seconds }),
  injectMo: (mo) => call("POST", "/mo", mo),
  reset: () => call("DELETE", "/state"),
};
