"""The game itself: a table's state, the actions that change it, scoring, bots, the coach and
what each seat sees. Pure Python: it reads decks, and never reaches the store or the server."""
