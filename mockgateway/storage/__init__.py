"""Store adapters: where messages and their history are kept."""
