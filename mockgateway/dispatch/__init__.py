"""Callback delivery: retry policy (data), HTTP transport, and the dispatcher that times attempts."""
