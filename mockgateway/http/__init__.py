"""The aiohttp adapter: provider routes, the admin API and the web UI."""
