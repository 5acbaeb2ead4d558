"""The server: the Flask app, Socket.IO events, live tables and their seats, facilitator
commands and timers, presence, and the WebSocket transport. The only package that speaks HTTP."""
