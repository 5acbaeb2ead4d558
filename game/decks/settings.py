"""A deck's `settings`: how its game is played, read and checked key by key (the loader reads
every other section; see game/decks/loader.py)."""

from __future__ import annotations

from game.decks.fields import DeckFields
from game.decks.model import Settings
from game.decks.options import (
    ADOPT_LIMIT,
    BASE_SCORING,
    DEAL,
    DECISION,
    DISCARD,
    EVENTS_AFTER_SCORING,
    EVENTS_PER_ROUND,
    HAND_SIZE,
    MISSING_RATINGS,
    REFILL,
    SEATS,
    TIMED_PHASES,
    TIMER,
)
from game.decks.reach import read_reach
from game.decks.sections import keys
from game.decks.vocabulary import condition
from game.decks.yamlfile import Map

PHASES = TIMED_PHASES  # the phases a deck may time, or keep an ability to


def read_settings(r: DeckFields, m: object) -> Settings:
    """The deck's `settings`, each key checked; the defaults where it says nothing."""
    if m is None:
        return Settings(budget_track="budget" if "budget" in r.tracks else None)
    assert isinstance(m, Map)
    r.keys(m, keys("settings"), (), "settings")
    s = "settings"
    seats_min, seats_max = 3, 6
    if "seats" in m:
        seats = m["seats"]
        if isinstance(seats, Map):
            r.keys(seats, ("min", "max"), ("min", "max"), "settings: seats")
            seats_min = r.integer(seats, "min", "settings: seats", SEATS.low, SEATS.high, 3)
            seats_max = r.integer(seats, "max", "settings: seats", SEATS.low, SEATS.high, 6)
            if seats_min > seats_max:
                r.error(seats, "min", "settings: seats 'min' is above 'max'")
        else:
            r.error(m, "seats", "settings: 'seats' must look like {min: 3, max: 6}")
    budget = m.get("budget_track", "budget" if "budget" in r.tracks else None)
    if budget is not None:
        budget = r.ref(budget, m, "budget_track", "tracks", s, r.tracks)
    track_values = r.id_map(m, "track_values", "tracks", s,
                            lambda v, n, k, w: r.number(v, n, k, w, -10, 10))
    timers = {"proposal": 120, "discussion": 180, "vote": 60}
    if "timers" in m:
        node = m["timers"]
        if isinstance(node, Map):
            r.keys(node, PHASES, (), "settings: timers")
            for phase in PHASES:
                timers[phase] = r.integer(node, phase, "settings: timers", TIMER.low,
                                          TIMER.high, timers[phase])
        else:
            r.error(m, "timers", "settings: 'timers' must look like {proposal: 120}")
    on_timeout = {"proposal": "pass", "vote": "abstain"}
    if "on_timeout" in m:
        node = m["on_timeout"]
        if isinstance(node, Map):
            r.keys(node, ("proposal", "vote"), (), "settings: on_timeout")
            on_timeout["proposal"] = r.choice(node, "proposal", "settings: on_timeout",
                                              ("pass", "best"), "pass")
            on_timeout["vote"] = r.choice(node, "vote", "settings: on_timeout",
                                          ("abstain", "approve"), "abstain")
        else:
            r.error(m, "on_timeout", "settings: 'on_timeout' must look like "
                    "{proposal: pass, vote: abstain}")
    debt = m.get("debt", False)
    if not isinstance(debt, bool):
        r.error(m, "debt", "settings: 'debt' must be true or false")
        debt = False
    win = condition(r, m["win"], m, "win", "game", "settings: win") if "win" in m else None
    chair = m.get("chair", "rotate")
    return Settings(
        seats_min=seats_min, seats_max=seats_max,
        hand_size=r.integer(m, "hand_size", s, HAND_SIZE.low, HAND_SIZE.high, 4),
        deal=r.choice(m, "deal", s, DEAL.values, "hidden"),
        refill=r.choice(m, "refill", s, REFILL.values, "draw"),
        discard=r.choice(m, "discard", s, DISCARD.values, "adopted"),
        decision=r.choice(m, "decision", s, DECISION.values, "majority"),
        chair=chair if isinstance(chair, str) else "rotate",
        adopt_limit=r.integer(m, "adopt_limit", s, ADOPT_LIMIT.low, ADOPT_LIMIT.high,
                              2),
        budget_track=budget, debt=debt,
        events_per_round=r.integer(m, "events_per_round", s, EVENTS_PER_ROUND.low,
                                   EVENTS_PER_ROUND.high, 1),
        events_after_scoring=r.integer(m, "events_after_scoring", s,
                                       EVENTS_AFTER_SCORING.low,
                                       EVENTS_AFTER_SCORING.high, 1),
        base_scoring=r.choice(m, "base_scoring", s, BASE_SCORING.values, "ratings"),
        missing_ratings=r.choice(m, "missing_ratings", s, MISSING_RATINGS.values, "error"),
        track_values=track_values, timers=timers, on_timeout=on_timeout,
        win=win, win_text=win.text if win else "", reach=read_reach(r, m, s),
    )
