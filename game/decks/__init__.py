"""Decks: the model of cards, rules and scenarios, their vocabulary, and loading and checking
them from YAML. Facilitators' words live here; the engine plays what this package loads."""
