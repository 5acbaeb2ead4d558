// The public catalogue of a deck (/api/decks/<id>), indexed by id.
const cache = {};

export function loadDeck(id) {
  cache[id] ??= fetch(`/api/decks/${encodeURIComponent(id)}`).then((res) => {
    if (!res.ok) throw new Error(`deck ${id}: ${res.status}`);
    return res.json();
  }).then((d) => indexDeck({ ...d, ref: id })).catch((err) => {
    delete cache[id];
    throw err;
  });
  return cache[id];
}

// A catalogue with each kind of thing indexed by id (deck.card[id], deck.group[id], ...).
export function indexDeck(d) {
  const index = (items) => Object.fromEntries(items.map((x) => [x.id, x]));
  return {
    ...d, criterion: index(d.criteria), group: index(d.groups), tag: index(d.tags),
    track: index(d.tracks), stage: index(d.stages), card: index(d.interventions),
    role: index(d.roles), scenario: index(d.scenarios),
  };
}

// A thing's name, or its id when the deck does not know it.
export const nm = (map, id) => (map && map[id] ? map[id].name : String(id));
