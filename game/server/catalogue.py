"""A deck as the browser sees it: everything public about it, to draw cards from."""

from __future__ import annotations

from game.decks.model import Deck


def deck_catalogue(deck: Deck) -> dict:
    """Everything public about a deck (no secret objectives, no rules' internals)."""
    rated = deck.rated_criteria()
    return {
        "id": deck.id, "name": deck.name, "description": deck.description,
        "criteria": [{"id": c.id, "name": c.name, "description": c.description,
                      "question": c.question, "example": c.example,
                      "rated": c.id in rated}  # shown on the cards' ratings
                     for c in deck.criteria.values()],
        "groups": [{"id": g.id, "name": g.name, "description": g.description}
                   for g in deck.groups.values()],
        "tags": [{"id": t.id, "name": t.name, "description": t.description, "coach": t.coach}
                 for t in deck.tags.values()],
        "tracks": [{"id": t.id, "name": t.name, "description": t.description, "min": t.min,
                    "max": t.max, "raised_by": raised_by(deck, t.id)}
                   for t in deck.tracks.values()],
        "stages": [{"id": s.id, "name": s.name, "prompt": s.prompt, "objective": s.objective,
                    "principles": s.principles, "rules": [r.why for r in s.rules]}
                   for s in deck.stages.values()],
        "interventions": [{"id": c.id, "name": c.name, "description": c.description,
                           "ratings": c.ratings, "why": c.why, "tags": sorted(c.tags),
                           "reach": c.reach, "tracks": c.tracks}
                          for c in deck.interventions.values()],
        "roles": [{"id": r.id, "name": r.name, "description": r.description}
                  for r in deck.roles.values()],
        "scenarios": [{"id": s.id, "name": s.name, "context": s.context,
                       "affected": sorted(s.affected), "stages": list(s.stages),
                       "win": deck.settings_for(s.id).win_text}
                      for s in deck.scenarios.values()],
        "difficulties": [{"id": d.id, "name": d.name, "description": d.description}
                         for d in deck.difficulties.values()],
        "settings": {"seats_min": deck.settings.seats_min, "seats_max": deck.settings.seats_max,
                     "decision": deck.settings.decision, "timers": deck.settings.timers,
                     "hand_size": deck.settings.hand_size,
                     "adopt_limit": deck.settings.adopt_limit, "win": deck.settings.win_text},
    }


def deck_summary(deck: Deck) -> dict:
    """One line of the deck list: enough to choose a deck, a scenario and a difficulty."""
    return {"id": deck.id, "name": deck.name, "description": deck.description,
            "seats": [deck.settings.seats_min, deck.settings.seats_max],
            "scenarios": [{"id": s.id, "name": s.name} for s in deck.scenarios.values()],
            "difficulties": [{"id": x.id, "name": x.name} for x in deck.difficulties.values()]}


def raised_by(deck: Deck, track: str, most: int = 6) -> list[dict]:
    """The cards that raise a track when adopted, most first: how players can move it."""
    cards = sorted((c for c in deck.interventions.values() if c.tracks.get(track, 0) > 0),
                   key=lambda c: (-c.tracks[track], c.name))
    return [{"card": c.id, "name": c.name, "amount": c.tracks[track]} for c in cards[:most]]
