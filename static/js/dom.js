// Small DOM helpers. Text from decks and people only ever goes in as text nodes or
// attribute values, never as markup.

export const $ = (sel, root = document) => root.querySelector(sel);

export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  setProps(el, props);
  add(el, kids);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, v);
  add(el, kids);
  return el;
}

function setProps(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "checked" || k === "value") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
}

function add(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
}

// Replace the contents of `root`, keeping focus where the new content has an element with the
// same id, so updates from other players do not pull the rug.
export function fill(root, ...kids) {
  const active = document.activeElement;
  const inside = active && root.contains(active);
  const focusId = inside ? active.id : null;
  root.replaceChildren();
  add(root, kids);
  if (!inside) return;
  const again = focusId && document.getElementById(focusId);
  // If the focused control is gone (the phase moved on), land on the section's heading.
  const target = again || (document.activeElement === document.body && root.querySelector("[tabindex='-1']"));
  if (target) target.focus({ preventScroll: true });
}

// A disclosure: a real button (role and name) that shows and hides what follows it. Which
// ones are open is remembered by id, so re-rendering keeps them open.
const opened = new Set();
export function disclose(id, label, cls, ...kids) {
  const body = h("div", { id: `${id}-body`, class: "disc-body" }, ...kids);
  body.hidden = !opened.has(id);
  const button = h("button", { type: "button", class: "disc", id, "aria-expanded": String(!body.hidden),
    "aria-controls": `${id}-body`, onclick: () => {
      body.hidden = !body.hidden;
      button.setAttribute("aria-expanded", String(!body.hidden));
      if (body.hidden) opened.delete(id); else opened.add(id);
    } }, label);
  return h("div", { class: `disclose ${cls || ""}` }, button, body);
}

// Render a section only when what it shows has changed.
const seen = new WeakMap();
export function update(root, data, render) {
  const key = JSON.stringify(data);
  if (seen.get(root) === key) return;
  seen.set(root, key);
  fill(root, render());
}

export const slug = (text) => String(text).replace(/[^A-Za-z0-9_-]/g, "_");

export function signed(n) {
  return n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : "0";
}

export function clock(seconds) {
  const t = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
}

export function list(items, sep = ", ", last = " and ") {
  if (items.length < 2) return items.join("");
  return items.slice(0, -1).join(sep) + last + items[items.length - 1];
}

// Small persistent memory per browser. Never throws (private mode, full storage).
export const store = {
  get(key) {
    try { return JSON.parse(localStorage.getItem(`gg.${key}`)); } catch { return null; }
  },
  set(key, value) {
    try { localStorage.setItem(`gg.${key}`, JSON.stringify(value)); } catch { /* ignore */ }
  },
  drop(key) {
    try { localStorage.removeItem(`gg.${key}`); } catch { /* ignore */ }
  },
};

// A random id this browser keeps under `key` (32 hex digits), made on first use: the
// anonymous practice record's owner, a device in a workshop.
export function keptId(key) {
  let id = store.get(key);
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    store.set(key, id);
  }
  return id;
}

export const normCode = (text) => String(text || "").replace(/[^A-Za-z0-9]/g, "").toUpperCase();

// Read `name` from the URL fragment (#key=... or #token=...) and take it out of the address
// bar, so a shared or projected screen does not show it.
export function fromFragment(name) {
  const params = new URLSearchParams(location.hash.slice(1));
  const value = params.get(name);
  if (value) {
    params.delete(name);
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
  return value;
}

export function say(text) {
  const live = document.getElementById("announce");
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}

// POST a JSON body and read the JSON answer. A request that gets no answer becomes a refusal
// that says so, so that every form shows a lost connection as it shows the server's refusals.
export const NO_ANSWER = "No answer from the server: check your connection and try again.";
export async function postJSON(url, body, csrf) {
  const headers = { "Content-Type": "application/json" };
  if (csrf) headers["X-CSRFToken"] = csrf;
  try {
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
    return await res.json();
  } catch {
    return { ok: false, error: { message: NO_ANSWER } };
  }
}

// Pickers list every deck's scenarios (and difficulties); show only those of the chosen deck,
// and move a selection that became hidden to the first one left. Options with no deck (such
// as "As the deck is written") stay.
export function onlyDeck(deckId, ...selects) {
  for (const sel of selects) {
    for (const opt of sel.options) {
      const other = opt.dataset.deck !== undefined && opt.dataset.deck !== deckId;
      opt.hidden = other;
      opt.disabled = other;
    }
    if (sel.selectedOptions[0]?.disabled) sel.value = [...sel.options].find((o) => !o.disabled)?.value;
  }
}
