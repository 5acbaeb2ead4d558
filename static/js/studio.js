// The deck studio's editor: a YAML view per file, checked as you type by the server's own
// deck loader (its messages, file and line, beside the line and in a list that links to
// it); forms for scenarios and intervention cards that change the same YAML (through
// /api/studio/edit); a card preview as a phone shows it; undo and redo over all of it;
// save as a revision, revisions, compare and restore. Deck text is only ever set as text.
// The forms for the other sections and the rule editor are in studio_forms.js and
// studio_rules.js, which hear of each check through the "deck-checked" event and apply their
// edits with applyEdits.
import { $, h, fill } from "./dom.js";
import { indexDeck } from "./deck.js";
import { cardView } from "./game.js";
import { S, option, itemsOf, nameOf } from "./studio_state.js";

const root = $("#studio");
const deckId = root.dataset.deck;
const mine = root.dataset.mine === "1";
const csrf = root.dataset.csrf;
const api = `/api/studio/decks/${encodeURIComponent(deckId)}`;
const CHECK_DELAY_MS = 500;


async function call(url, body) {
  const init = body === undefined ? {} : {
    method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
  };
  try {
    const res = await fetch(url, init);
    return await res.json();
  } catch {
    return { ok: false, error: { message: "No answer from the server: check your connection; nothing you typed is lost." } };
  }
}

// ---- the YAML view -------------------------------------------------------------------------

const area = $("#yaml");
const gutter = $("#gutter");
const notes = $("#notes");

function showTabs() {
  const tabs = Object.keys(S.files).sort().map((name) => {
    const count = S.problems.filter((p) => p.file === name).length;
    return h("button", {
      type: "button", role: "tab", id: `tab-${name}`, "aria-selected": String(name === S.file),
      "aria-controls": "editor-panel", tabindex: name === S.file ? "0" : "-1",
      onclick: () => openFile(name),
    }, name, count ? h("span", { class: "count" }, ` (${count} problem${count > 1 ? "s" : ""})`) : null);
  });
  fill($("#file-tabs"), ...tabs);
}

// Arrow keys move between the file tabs, as the tabs pattern has it.
$("#file-tabs").addEventListener("keydown", (e) => {
  const names = Object.keys(S.files).sort();
  const i = names.indexOf(S.file);
  const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
  if (step === undefined) return;
  e.preventDefault();
  openFile(names[(i + step + names.length) % names.length]);
  $(`#tab-${CSS.escape(S.file)}`).focus();
});

function openFile(name, line) {
  S.file = name;
  area.value = S.files[name] ?? "";
  area.setAttribute("aria-label", `YAML of ${name}`);
  $("#editor-panel").setAttribute("aria-labelledby", `tab-${name}`);
  showTabs();
  showLines();
  if (line) goToLine(line);
}

function goToLine(line) {
  const lines = area.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1] || "").length);
  area.scrollTop = Math.max(0, (line - 4) * lineHeightPx());
  showLines();
  caretProblems();
}

// Line numbers, with each line that has a problem marked (not by colour alone: a "!"), and
// the message itself beside the line. The gutter keeps its rows and changes only the ones
// whose number or mark changed; the line height is read once (reading the computed style
// after a change forces the browser to lay the page out again).
let lineHeight = 0;
const lineHeightPx = () => lineHeight || (lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 21);
const marked = new Set(); // the gutter's rows now marked bad, by line number

function lineCount(text) {
  let count = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

function gutterRow(n, bad) {
  const row = gutter.children[n - 1];
  row.className = bad ? "bad" : "";
  row.textContent = bad ? `! ${n}` : String(n);
}

function showLines() {
  drawPending = false;
  const count = lineCount(area.value);
  const here = S.problems.filter((p) => p.file === S.file);
  const bad = new Map();
  for (const p of here) bad.set(p.line, [...(bad.get(p.line) || []), p.message]);
  const rows = gutter.children;
  if (rows.length > count) {
    while (rows.length > count) rows[rows.length - 1].remove();
  } else if (rows.length < count) {
    const more = [];
    for (let n = rows.length + 1; n <= count; n++) more.push(h("div", null, String(n)));
    gutter.append(...more);
  }
  for (const n of [...marked]) {
    if (bad.has(n)) continue;
    marked.delete(n);
    if (n <= count) gutterRow(n, false);
  }
  for (const n of bad.keys()) {
    if (n > count || marked.has(n)) continue;
    marked.add(n);
    gutterRow(n, true);
  }
  const lh = lineHeightPx();
  const top = area.scrollTop;
  fill(notes, ...[...bad].map(([line, msgs]) => {
    const note = h("div", { class: "line-note", "data-line": String(line), id: `note-${line}` }, msgs.join("; "));
    note.style.top = `${(line - 1) * lh - top + 1}px`; // CSSOM: the CSP allows no style attributes
    return note;
  }));
  gutter.scrollTop = top;
}

// Typing and pasting redraw the gutter once a frame, not once an input event: Chromium
// inserts pasted text a line at a time, with an input event for each line and each line
// break (nearly a thousand for a 500-line file), and a redraw per event made a paste take
// seconds.
let drawPending = false;
function showLinesSoon() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => { if (drawPending) showLines(); });
}

area.addEventListener("scroll", () => {
  const lh = lineHeightPx();
  const top = area.scrollTop;
  gutter.scrollTop = top;
  for (const note of notes.children) {
    note.style.top = `${(Number(note.dataset.line) - 1) * lh - top + 1}px`;
  }
});

// The problems of the caret's line, read out (aria-describedby on the editor, a live region).
function caretProblems() {
  const line = area.value.slice(0, area.selectionStart).split("\n").length;
  const here = S.problems.filter((p) => p.file === S.file && p.line === line);
  $("#line-problems").textContent = here.length
    ? `Line ${line}: ${here.map((p) => p.message).join("; ")}` : "";
}
area.addEventListener("keyup", caretProblems);
area.addEventListener("click", caretProblems);

area.addEventListener("input", () => {
  S.files[S.file] = area.value;
  showLinesSoon();
  changed();
});

// ---- checking as you type ----------------------------------------------------------------------

function changed() {
  clearTimeout(S.timer);
  status("Checking…", "");
  S.timer = setTimeout(settle, CHECK_DELAY_MS);
}

// After a pause in typing: remember the state for undo, and check the deck.
function settle() {
  S.timer = null;
  const last = S.past[S.past.length - 1];
  if (!last || JSON.stringify(last.files) !== JSON.stringify(S.files)) {
    S.past.push({ files: { ...S.files }, file: S.file });
    S.future = [];
  }
  undoButtons();
  return check();
}

let checking = 0;
async function check() {
  const mineNow = ++checking;
  const data = await call("/api/studio/check", { files: S.files });
  if (mineNow !== checking) return; // a later check is on its way
  if (!data.ok) {
    S.problems = [];
    status(data.error.message, "bad");
    fill($("#problems"));
    return;
  }
  S.problems = data.problems;
  S.items = data.items;
  S.rules = data.rules;
  S.entries = data.entries; // each rule as the YAML writes it, for the rule editor to open
  S.conditions = data.conditions; // each win and objective, as written and in words
  S.lastValid = data.valid;
  if (data.valid) {
    S.catalogue = indexDeck(data.deck);
    status("No problems: the deck is ready to save.", "good");
  } else {
    const n = data.problems.length;
    status(`${n} problem${n > 1 ? "s" : ""}: see the list below, or the marked lines.`, "bad");
  }
  showTabs();
  showLines();
  caretProblems();
  fill($("#problems"), ...data.problems.map((p) => h("li", null, h("a", {
    href: `#line-${p.line}`, onclick: (e) => { e.preventDefault(); openFile(p.file, p.line); },
  }, `${p.file}:${p.line}: ${p.message}`))));
  forms();
  document.dispatchEvent(new CustomEvent("deck-checked", { detail: { valid: data.valid } }));
}

// Set only when it changes: each input event of a paste says "Checking…" again.
function status(text, kind) {
  const el = $("#check-status");
  if (el.textContent !== text) el.textContent = text;
  const cls = `check-status ${kind}`;
  if (el.className !== cls) el.className = cls;
}

// ---- undo and redo -------------------------------------------------------------------------

function undoButtons() {
  $("#undo").disabled = S.past.length < 2;
  $("#redo").disabled = S.future.length === 0;
}

function restoreSnapshot(snap) {
  S.files = { ...snap.files };
  openFile(S.files[S.file] !== undefined ? S.file : snap.file);
  undoButtons();
  check();
}

function undo() {
  if (S.timer) settle();
  if (S.past.length < 2) return;
  S.future.push(S.past.pop());
  restoreSnapshot(S.past[S.past.length - 1]);
  announce("Undone");
}

function redo() {
  if (!S.future.length) return;
  const snap = S.future.pop();
  S.past.push(snap);
  restoreSnapshot(snap);
  announce("Redone");
}

function announce(text) {
  $("#announce").textContent = text;
}

$("#undo").addEventListener("click", undo);
$("#redo").addEventListener("click", redo);
document.addEventListener("keydown", (e) => {
  if (!(e.ctrlKey || e.metaKey)) return;
  const key = e.key.toLowerCase();
  if (key === "z" && !e.shiftKey) { e.preventDefault(); undo(); }
  else if (key === "y" || (key === "z" && e.shiftKey)) { e.preventDefault(); redo(); }
});

// ---- the forms -------------------------------------------------------------------------------

const NEW = "";

// Fill the forms' choices from the deck as last checked; keep what is picked.
function forms() {
  const d = S.catalogue;
  const usable = Boolean(d) && mine;
  for (const el of document.querySelectorAll(".studio-form input, .studio-form textarea, .studio-form select, .studio-form button")) {
    el.disabled = !usable;
  }
  $("#forms-hint").textContent = !mine ? "Only the deck's owner may change it."
    : d ? "The forms change the same deck as the YAML view: what you apply shows there at once."
      : "Fix the deck's problems first; the forms work on a deck that checks.";
  if (!d) return;
  const sc = $("#sc-pick").value;
  fill($("#sc-pick"), ...d.scenarios.map((s) => option(s.id, s.name, s.id === sc)));
  const card = $("#card-pick").value;
  fill($("#card-pick"), option(NEW, "A new card", card === NEW),
    ...d.interventions.map((c) => option(c.id, c.name, c.id === card)));
  if (!$("#card-ratings").children.length || $("#card-ratings").dataset.deck !== d.criteria.map((c) => c.id).join()) {
    $("#card-ratings").dataset.deck = d.criteria.map((c) => c.id).join();
    fill($("#card-ratings"), ...d.criteria.map((c) => h("label", null, c.name,
      h("input", { type: "number", min: "0", max: "5", inputmode: "numeric", id: `rate-${c.id}`, "data-id": c.id }))));
    fill($("#card-tags"), ...d.tags.map((t) => h("label", null,
      h("input", { type: "checkbox", id: `tag-${t.id}`, "data-id": t.id }), t.name)));
    fill($("#card-costs"), ...d.groups.map((g) => h("label", null, g.name,
      h("input", { type: "number", min: "0", max: "20", inputmode: "numeric", id: `cost-${g.id}`, "data-id": g.id }))));
  }
  if (!S.formsFilled) {
    S.formsFilled = true;
    scenarioPicked();
    cardPicked();
  }
  preview();
}

function scenarioPicked() {
  const s = S.catalogue && S.catalogue.scenario[$("#sc-pick").value];
  $("#sc-name").value = s ? s.name : "";
  $("#sc-context").value = s ? s.context : "";
}

function cardPicked() {
  const d = S.catalogue;
  const c = d && d.card[$("#card-pick").value];
  $("#card-id-field").hidden = Boolean(c);
  $("#card-id").value = "";
  $("#card-name").value = c ? c.name : "";
  $("#card-description").value = c ? c.description : "";
  $("#card-why").value = c ? c.why : "";
  for (const el of $("#card-ratings").querySelectorAll("input")) el.value = c ? (c.ratings[el.dataset.id] ?? 0) : 0;
  for (const el of $("#card-tags").querySelectorAll("input")) el.checked = Boolean(c && c.tags.includes(el.dataset.id));
  for (const el of $("#card-costs").querySelectorAll("input")) el.value = c && c.reach[el.dataset.id] !== undefined ? c.reach[el.dataset.id] : "";
  $("#form-error").textContent = "";
  preview();
}

$("#sc-pick").addEventListener("change", scenarioPicked);
$("#card-pick").addEventListener("change", cardPicked);

function cardFromForm() {
  const ratings = {};
  for (const el of $("#card-ratings").querySelectorAll("input")) ratings[el.dataset.id] = Number(el.value || 0);
  const tags = [...$("#card-tags").querySelectorAll("input:checked")].map((el) => el.dataset.id);
  const reach = {};
  for (const el of $("#card-costs").querySelectorAll("input")) if (el.value !== "") reach[el.dataset.id] = Number(el.value);
  return {
    name: $("#card-name").value, description: $("#card-description").value, why: $("#card-why").value,
    ratings, tags, reach,
  };
}

// The card as the form has it, drawn as a player's phone draws it.
function preview() {
  const d = S.catalogue;
  if (!d) return;
  const picked = d.card[$("#card-pick").value];
  const card = { id: picked ? picked.id : "new-card", tracks: picked ? picked.tracks : {}, ...cardFromForm() };
  if (!card.name.trim()) card.name = "(no name yet)"; // an empty heading says nothing to a screen reader
  const deck = { ...d, card: { ...d.card, [card.id]: card } };
  fill($("#card-preview"), cardView(card.id, deck, { idp: "preview" }));
}
for (const id of ["#card-name", "#card-description", "#card-why", "#card-ratings", "#card-tags", "#card-costs"]) {
  $(id).addEventListener("input", preview);
}

// The forms' changes, made to the YAML by the server; `say` shows what went wrong.
async function applyEdits(edits, say = $("#form-error")) {
  say.textContent = "";
  if (S.timer) settle();
  const data = await call("/api/studio/edit", { files: S.files, edits });
  if (!data.ok) {
    say.textContent = data.error.message;
    return false;
  }
  S.files = data.files;
  openFile(S.file);
  await settle();
  return true;
}

$("#sc-apply").addEventListener("click", async () => {
  const id = $("#sc-pick").value;
  const done = await applyEdits([
    { op: "set", section: "scenarios", id, field: "name", value: $("#sc-name").value },
    { op: "set", section: "scenarios", id, field: "context", value: $("#sc-context").value },
  ]);
  if (done) announce("Scenario changed in the YAML");
});

$("#card-apply").addEventListener("click", async () => {
  const picked = $("#card-pick").value;
  const card = cardFromForm();
  let edits;
  if (picked === NEW) {
    const id = $("#card-id").value.trim();
    if (!/^[a-z][a-z0-9-]*$/.test(id)) {
      $("#form-error").textContent = "Give the new card an id: lower-case letters, digits and hyphens, starting with a letter.";
      $("#card-id").focus();
      return;
    }
    const item = { id, name: card.name, description: card.description, why: card.why, ratings: card.ratings, reach: card.reach };
    if (card.tags.length) item.tags = card.tags;
    edits = [{ op: "add", section: "interventions", item }];
  } else {
    edits = Object.entries(card).map(([field, value]) => ({ op: "set", section: "interventions", id: picked, field, value }));
  }
  const done = await applyEdits(edits);
  if (done) {
    if (picked === NEW) {
      $("#card-pick").value = $("#card-id").value.trim();
      cardPicked();
    }
    announce("Card changed in the YAML");
  }
});

// ---- saving and revisions ----------------------------------------------------------------------

async function loadRevisions() {
  const data = await call(`${api}/revisions`);
  if (!data.ok) return;
  fill($("#revisions"), ...data.revisions.map((r, i) => {
    const older = data.revisions[i + 1];
    return h("li", { id: `rev-${r.number}` },
      h("strong", null, `Revision ${r.number}`), ` by ${r.author}, ${new Date(r.at).toLocaleString()}`,
      r.note ? `: ${r.note}` : "",
      h("div", null,
        h("a", { href: `/api/decks/${encodeURIComponent(deckId)}@${r.number}/print.pdf?paper=a4`, class: "button secondary" },
          `Print revision ${r.number}`, h("span", { class: "vh" }, " (A4 PDF: cards with cut marks, as they will print)")),
        h("a", { href: `/new?deck=${encodeURIComponent(`studio:${deckId}@${r.number}`)}`, class: "button secondary" },
          `Start a table with revision ${r.number}`),
        older ? h("button", { type: "button", class: "button secondary", onclick: () => compare(older.number, r.number) },
          `Compare with revision ${older.number}`) : null,
        mine && i > 0 ? h("button", { type: "button", class: "button secondary", onclick: () => restore(r.number) },
          `Restore revision ${r.number}`) : null));
  }));
}

async function compare(a, b) {
  const data = await call(`${api}/compare?from=${a}&to=${b}`);
  const box = $("#compare");
  if (!data.ok) { fill(box, h("p", { class: "error" }, data.error.message)); return; }
  const words = { added: "added", removed: "removed", changed: "changed" };
  fill(box, h("h3", null, `From revision ${a} to ${b}`),
    data.changes.length ? h("ul", { class: "changes" }, ...data.changes.map((c) => h("li", null,
      `${c.section}${c.id ? ` '${c.id}'` : ""}: ${words[c.kind]}`, c.fields.length ? ` (${c.fields.join(", ")})` : "")))
      : h("p", null, "No change to any card."));
}

// Edits not yet saved as a revision: restoring or uploading would replace them, so neither
// goes ahead until they are saved or undone (the page says so where the person looks).
const unsaved = () => mine && S.saved !== null && S.saved !== JSON.stringify(S.files);
function keepEdits(say) {
  if (!unsaved()) return false;
  say.textContent = "You have edits not saved yet, which this would replace: save them as a revision, or undo them, first.";
  return true;
}

async function restore(n) {
  if (keepEdits($("#save-status"))) return;
  const data = await call(`${api}/restore`, { revision: n });
  if (!data.ok) { $("#save-status").textContent = data.error.message; return; }
  $("#save-status").textContent = `Revision ${n} restored as revision ${data.revision.number}.`;
  await load();
}

if (mine) {
  $("#save").addEventListener("click", async () => {
    if (S.timer) await settle();
    const data = await call(`${api}/revisions`, { files: S.files, note: $("#note").value });
    if (!data.ok) {
      $("#save-status").textContent = `Not saved: ${data.error.message}`;
      return;
    }
    $("#note").value = "";
    $("#save-status").textContent = `Saved as revision ${data.revision.number}.`;
    showLatest(data.revision.number);
    S.saved = JSON.stringify(S.files);
    loadRevisions();
  });
}

// One upload for a deck's zip, the cards' workbook or one kind of card as CSV: the server
// tells them apart and names each mistake (in a sheet: by sheet, row and column).
async function uploadFile() {
  const input = $("#upload");
  const file = input.files[0];
  const say = $("#upload-status");
  const list = $("#upload-problems");
  fill(list);
  $("#upload-problems-h").hidden = true;
  input.removeAttribute("aria-invalid");
  if (!file) { say.textContent = "Choose a file first."; input.focus(); return; }
  if (keepEdits(say)) return;
  say.textContent = `Uploading ${file.name}…`;
  const body = new FormData();
  body.append("file", file);
  let data;
  try {
    const res = await fetch(`${api}/upload`, { method: "POST", body, headers: { "X-CSRFToken": csrf } });
    data = await res.json();
  } catch {
    // The upload may have been saved with only its answer lost: "nothing changed" could be
    // wrong, and uploading again blindly could save it twice. The revisions list tells.
    say.textContent = `No answer from the server about ${file.name}: check your connection, then look at the revisions below (reloaded now) to see whether it was saved before you upload it again.`;
    loadRevisions();
    return;
  }
  if (!data.ok) {
    const problems = data.error.problems || [];
    say.textContent = `Not uploaded, nothing changed: ${data.error.message}.`;
    input.setAttribute("aria-invalid", "true");
    fill(list, ...problems.map((p) => h("li", null, p.text)));
    $("#upload-problems-h").hidden = problems.length === 0;
    return;
  }
  const what = data.sheets.length ? `the deck's ${data.sheets.join(", ")}` : "the deck";
  say.textContent = `Uploaded ${file.name} as revision ${data.revision.number}: it replaced ${what}.`;
  await load();
}
if (mine) $("#upload-go").addEventListener("click", uploadFile);

if (mine) {
  $("#share-go").addEventListener("click", async () => {
    const visibility = document.querySelector("input[name=visibility]:checked").value;
    const names = $("#share-with").value.split(",").map((n) => n.trim()).filter(Boolean);
    const data = await call(`${api}/sharing`, { visibility, shared_with: names });
    const say = $("#share-status");
    if (!data.ok) { say.textContent = `Not changed: ${data.error.message}`; $("#share-with").focus(); return; }
    $("#share-with").value = data.deck.shared_with.join(", ");
    say.textContent = { private: "Private: only you see it.", shared: `Shared with ${data.deck.shared_with.join(", ") || "nobody yet"}.`, published: "Published: every facilitator on this server sees it." }[visibility];
  });
}

// Deleting needs the deck id typed to confirm: the server checks it against the saved deck
// (whose id may have changed since the page was drawn) and says which it is.
if (mine) {
  $("#delete-go").addEventListener("click", async () => {
    const say = $("#delete-status");
    const typed = $("#delete-confirm").value.trim();
    const data = await call(`${api}/delete`, { confirm: typed });
    if (!data.ok) {
      say.textContent = `Not deleted: ${data.error.message}.`;
      $("#delete-confirm").focus();
      return;
    }
    S.saved = JSON.stringify(S.files); // nothing left to keep: leave without asking
    say.textContent = "Deleted.";
    window.location.assign("/studio");
  });
}

// The balance report is of a saved revision: the latest.
function showLatest(n) {
  $("#latest").textContent = String(n);
  $("#balance-revision").textContent = String(n);
  $("#check-balance").href = `/decks/${encodeURIComponent(deckId)}@${n}/balance`;
}

async function load() {
  const data = await call(api);
  if (!data.ok) { status(data.error.message, "bad"); return; }
  S.files = { ...data.revision.files };
  S.saved = JSON.stringify(S.files);
  showLatest(data.deck.latest);
  S.past = [{ files: { ...S.files }, file: S.file }];
  S.future = [];
  openFile(S.files[S.file] !== undefined ? S.file : Object.keys(S.files).sort()[0]);
  undoButtons();
  await check();
  loadRevisions();
}

export { mine, call, applyEdits, announce };

window.addEventListener("beforeunload", (e) => {
  if (unsaved()) e.preventDefault();
});

load();
