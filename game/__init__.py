"""The Governance Game: a multiplayer serious game about who gets a say over data and AI."""
