// The deck studio's forms for every other part of a deck, and its rule editor. Both are drawn
// from what the server describes (GET /api/studio/forms: each section's fields, and the
// vocabulary's words with where each is allowed); this file holds no rule of a deck. What
// they build goes into the YAML through the same edits as the card form (studio.js), and the
// deck check's problems show beside the field they are about. Deck text is set as text only.
import { $, h, fill } from "./dom.js";
import { S, mine, call, applyEdits, announce } from "./studio.js";

// `dirty`: the part form holds typing not applied yet, which a check must not redraw away;
// `typed` counts its input events; `applying`: an Apply is waiting for the server; `drawn`:
// the part and choices its controls were drawn for (see refreshPart).
const F = { sections: null, vocabulary: null, ready: false, dirty: false, typed: 0, applying: false, drawn: "" };
const NEW = "";
// The sections the generic form offers: interventions have their own form, with a preview.
const SECTION_NAMES = {
  deck: "The deck itself", settings: "Settings", criteria: "Criteria", groups: "Groups",
  tags: "Tags", tracks: "Tracks", stages: "Stages", events: "Events", roles: "Roles",
  scenarios: "Scenarios", difficulties: "Difficulties", lessons: "Lessons",
};
let uid = 0;
const nextId = (stem) => `${stem}-${++uid}`;

function option(value, text, selected) {
  const o = h("option", { value }, text);
  o.selected = Boolean(selected);
  return o;
}

// The items of a section as the YAML has them (S.items, from the last check).
function itemsOf(section) {
  const got = S.items && S.items[section];
  return Array.isArray(got) ? got : [];
}

function nameOf(section, id) {
  const item = itemsOf(section).find((i) => i.id === id);
  return item && item.values.name ? `${item.values.name} (${id})` : id;
}

// ---- the form for any part of a deck ------------------------------------------------------

// `deck` and `settings` are one mapping each; every other section is a list of items.
const ONCE = ["deck", "settings"];
function partSection() { return $("#part-section").value; }

function currentPart() {
  const section = partSection();
  if (ONCE.includes(section)) return (S.items && S.items[section]) || { values: {}, lines: {} };
  return itemsOf(section).find((i) => i.id === $("#part-pick").value) || null;
}

function drawPartPicker() {
  const section = partSection();
  const listed = !ONCE.includes(section);
  $("#part-pick-field").hidden = !listed;
  if (listed) {
    const sel = $("#part-pick");
    const first = itemsOf(section)[0];
    const keep = sel.dataset.section === section ? sel.value : first ? first.id : NEW;
    fill(sel, option(NEW, "A new one", keep === NEW),
      ...itemsOf(section).map((i) => option(i.id, nameOf(section, i.id), i.id === keep)));
    sel.dataset.section = section;
  }
  $("#part-id-field").hidden = !listed || $("#part-pick").value !== NEW;
}

// One control per field the forms may change, labelled; what is edited elsewhere is named.
function fieldControl(f, value) {
  const id = `part-${f.key}`;
  const label = `${f.label}${f.required ? " (required)" : ""}`;
  const note = h("p", { class: "error field-problem", id: `${id}-problem` });
  let control;
  if (f.kind === "name" || f.kind === "text") {
    control = h(f.kind === "name" ? "input" : "textarea", { id, maxlength: String(f.limit), rows: f.kind === "text" ? "3" : null, "aria-describedby": `${id}-problem` });
    control.value = typeof value === "string" ? value : value == null ? "" : String(value);
  } else if (f.kind === "int") {
    control = h("input", { id, type: "number", inputmode: "numeric", min: String(f.low), max: String(f.high), "aria-describedby": `${id}-problem` });
    control.value = value == null ? "" : String(value);
  } else if (f.kind === "choice" || f.kind === "ref") {
    const choices = [...(f.choices || []).map((c) => [c.value, c.text]),
      ...(f.kind === "ref" ? itemsOf(f.section).map((i) => [i.id, nameOf(f.section, i.id)]) : [])];
    control = h("select", { id, "aria-describedby": `${id}-problem` }, option("", "(not set: the deck's default)", value == null),
      ...choices.map(([v, t]) => option(v, t, v === value)));
  } else if (f.kind === "bool") {
    control = h("input", { id, type: "checkbox", "aria-describedby": `${id}-problem` });
    control.checked = value === true;
    return h("div", { class: "field checks", "data-key": f.key }, h("label", { for: id }, control, label), note);
  } else if (f.kind === "range") {
    const v = value && typeof value === "object" ? value : {};
    return h("fieldset", { class: "field", "data-key": f.key, "aria-describedby": `${id}-problem` }, h("legend", null, label),
      h("div", { class: "row3" },
        h("label", null, `Fewest (${f.low} to ${f.high})`, h("input", { type: "number", inputmode: "numeric", id: `${id}-min`, min: String(f.low), max: String(f.high), value: v.min ?? "" })),
        h("label", null, "Most", h("input", { type: "number", inputmode: "numeric", id: `${id}-max`, min: String(f.low), max: String(f.high), value: v.max ?? "" }))), note);
  } else if (f.kind === "refs" || f.kind === "amounts") {
    const chosen = f.kind === "refs" ? new Set(Array.isArray(value) ? value : []) : null;
    const amounts = f.kind === "amounts" && value && typeof value === "object" ? value : {};
    const boxes = itemsOf(f.section).map((i) => f.kind === "refs"
      ? h("label", null, h("input", { type: "checkbox", "data-id": i.id, checked: chosen.has(i.id) }), nameOf(f.section, i.id))
      : h("label", null, nameOf(f.section, i.id), h("input", { type: "number", inputmode: "numeric", "data-id": i.id, min: String(f.low), max: String(f.high), value: amounts[i.id] ?? "" })));
    return h("fieldset", { class: "field", id, "data-key": f.key, "aria-describedby": `${id}-problem` }, h("legend", null, label),
      h("div", { class: f.kind === "refs" ? "checks" : "row3" }, ...boxes), note);
  }
  return h("div", { class: "field", "data-key": f.key }, h("label", { for: id }, label), control, note);
}

const formFields = (section) => F.sections[section].filter((f) => FORM_KINDS.includes(f.kind));

// What the controls are drawn for: the part, and the choices its fields offer. While it stays
// the same, a check changes the controls' values in place (refreshPart), never the controls.
function partFrame() {
  const section = partSection();
  const choices = formFields(section).filter((f) => f.section)
    .map((f) => itemsOf(f.section).map((i) => [i.id, nameOf(f.section, i.id)]));
  return JSON.stringify([section, ONCE.includes(section) ? "" : $("#part-pick").value, choices]);
}

function drawPart() {
  if (!F.ready) return;
  F.dirty = false;
  drawPartPicker();
  const section = partSection();
  const item = currentPart();
  const values = item ? item.values : {};
  const fields = F.sections[section];
  fill($("#part-fields"), ...formFields(section).map((f) => fieldControl(f, values[f.key])));
  F.drawn = partFrame();
  const elsewhere = fields.filter((f) => !FORM_KINDS.includes(f.kind));
  const rules = elsewhere.filter((f) => f.kind === "rules" || f.kind === "effects");
  const yaml = elsewhere.filter((f) => f.kind === "yaml" && f.key !== "id");
  $("#part-elsewhere").textContent = [
    rules.length ? `${rules.map((f) => f.label).join(" and ")}: with the rule editor below.` : "",
    yaml.length ? `${yaml.map((f) => f.label).join(", ")}: in the YAML view.` : "",
  ].filter(Boolean).join(" ");
  $("#part-error").textContent = "";
  showPartProblems();
  lockForms();
}

// After a check, the form shows the YAML as it is now. Redrawing every control each time
// was a race: the check of the last Apply often lands just after the facilitator has moved to
// the next field and selected its text (Ctrl+A), and a new control (focused again by `fill`)
// has no selection, so what they typed next went after the old value (13 became 13999).
// Now only a control whose value the YAML changed (by undo, say) is set, in place.
function refreshPart() {
  drawPartPicker();
  if (partFrame() !== F.drawn) { drawPart(); return; }
  const item = currentPart();
  const values = item ? item.values : {};
  for (const f of formFields(partSection())) {
    if (!unchanged(f, readField(f), values[f.key])) writeField(f, values[f.key]);
  }
  $("#part-error").textContent = "";
  showPartProblems();
  lockForms();
}

// Put `value` (as the YAML has it) into the field's control: what fieldControl draws.
function writeField(f, value) {
  const id = `part-${f.key}`;
  if (f.kind === "name" || f.kind === "text" || f.kind === "int") {
    $(`#${id}`).value = value == null ? "" : String(value);
  } else if (f.kind === "choice" || f.kind === "ref") {
    const sel = $(`#${id}`);
    sel.value = [...sel.options].some((o) => o.value === value) ? value : "";
  } else if (f.kind === "bool") {
    $(`#${id}`).checked = value === true;
  } else if (f.kind === "range") {
    const v = value && typeof value === "object" ? value : {};
    $(`#${id}-min`).value = v.min ?? "";
    $(`#${id}-max`).value = v.max ?? "";
  } else {
    const chosen = Array.isArray(value) ? value : [];
    const amounts = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    for (const i of $(`#${id}`).querySelectorAll("input")) {
      if (f.kind === "refs") i.checked = chosen.includes(i.dataset.id);
      else i.value = amounts[i.dataset.id] ?? "";
    }
  }
}

// The value a field's control holds now, as the deck writes it (undefined: left empty).
function readField(f) {
  const id = `part-${f.key}`;
  if (f.kind === "name" || f.kind === "text") { const v = $(`#${id}`).value; return v.trim() === "" ? undefined : v; }
  if (f.kind === "int") { const v = $(`#${id}`).value; return v === "" ? undefined : Number(v); }
  if (f.kind === "choice" || f.kind === "ref") { const v = $(`#${id}`).value; return v === "" ? undefined : v; }
  if (f.kind === "bool") return $(`#${id}`).checked;
  if (f.kind === "range") {
    const lo = $(`#${id}-min`).value, hi = $(`#${id}-max`).value;
    return lo === "" && hi === "" ? undefined : { min: Number(lo), max: Number(hi) };
  }
  const inputs = [...$(`#${id}`).querySelectorAll("input")];
  if (f.kind === "refs") return inputs.filter((i) => i.checked).map((i) => i.dataset.id);
  const out = {};
  for (const i of inputs) if (i.value !== "") out[i.dataset.id] = Number(i.value);
  return out;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// Whether a control's value `v` (readField) says what the YAML's `was` says: an empty list,
// no amounts or "no" are what a missing key means.
function unchanged(f, v, was) {
  if (v === undefined) return was === undefined;
  return same(v, was) || (was === undefined && ((f.kind === "bool" && v === false)
    || (f.kind === "refs" && !v.length) || (f.kind === "amounts" && !Object.keys(v).length)));
}

async function applyPart() {
  const section = partSection();
  const item = currentPart();
  const fields = formFields(section);
  const say = $("#part-error");
  let edits;
  if (!item && !ONCE.includes(section)) {
    const id = $("#part-id").value.trim();
    const added = { id };
    for (const f of fields) {
      const v = readField(f);
      if (v !== undefined && !(Array.isArray(v) && !v.length) && !(f.kind === "amounts" && !Object.keys(v).length)) added[f.key] = v;
    }
    edits = [{ op: "add", section, item: added }];
  } else {
    // Only what changed is written: the rest of the YAML stays as it was typed.
    edits = [];
    for (const f of fields) {
      const v = readField(f);
      const was = item.values[f.key];
      if (unchanged(f, v, was)) continue;
      // emptied (undefined): the key goes and the deck's default applies, if it may go
      edits.push({ op: "set", section, ...(ONCE.includes(section) ? {} : { id: item.id }), field: f.key, value: v ?? null });
    }
    if (!edits.length) { say.textContent = "Nothing changed: change a field first."; return; }
  }
  // Until the server answers, the form keeps what was typed: a check that lands meanwhile
  // (of an earlier change) must not put the old values back.
  const typed = F.typed;
  F.applying = true;
  const done = await applyEdits(edits, say);
  F.applying = false;
  if (!done) {
    F.dirty = true;
    await showRefusal(edits, say);
    return;
  }
  if (F.typed === typed) F.dirty = false; // else typing since Apply stays in the form
  if (!item && !ONCE.includes(section)) {
    $("#part-pick").value = $("#part-id").value.trim();
    $("#part-id").value = "";
    drawPart();
  } else if (!F.dirty && S.lastValid) {
    refreshPart();
  }
  announce(`${SECTION_NAMES[section]}: changed in the YAML`);
}

// An edit the server refused: its message beside the field it is about (the server says
// which edit), and that field focused, so its message is read with it.
async function showRefusal(edits, say) {
  const data = await call("/api/studio/edit", { files: S.files, edits });
  if (data.ok || !Number.isInteger(data.error.edit)) return;
  const key = (edits[data.error.edit] || {}).field;
  const note = key && $(`#part-${CSS.escape(key)}-problem`);
  if (!note) return;
  showPartProblems(); // the deck check's own, and this refusal beside its field
  note.textContent = note.textContent ? `${data.error.message}; ${note.textContent}` : data.error.message;
  say.textContent = "Nothing was changed: see the message beside the field.";
  const control = $(`#part-${CSS.escape(key)}`) || $(`#part-${CSS.escape(key)}-min`);
  if (control && control.focus) control.focus();
}

// The deck check's problems, beside the field they are about (the line of its key), and
// those about the item as a whole under the form.
function showPartProblems() {
  for (const el of document.querySelectorAll("#part-fields .field-problem")) el.textContent = "";
  const item = currentPart();
  const list = $("#part-problems");
  if (!item || !item.file) { fill(list); return; }
  const lines = item.lines || {};
  const byLine = new Map(Object.entries(lines).map(([key, line]) => [line, key]));
  const loose = [];
  for (const p of S.problems.filter((q) => q.file === item.file)) {
    const key = byLine.get(p.line);
    const note = key && $(`#part-${CSS.escape(key)}-problem`);
    if (note) note.textContent = note.textContent ? `${note.textContent}; ${p.message}` : p.message;
    else if (p.line === item.line) loose.push(p);
  }
  fill(list, ...loose.map((p) => h("li", null, p.message)));
}

// ---- the rule editor ---------------------------------------------------------------------

const COMPARE_WORDS = { at_least: "at least", at_most: "at most", above: "above", below: "below" };

// Every list the rule editor may add to (the server says which), item by item.
const KIND_WORDS = { stages: "Stage", events: "Event", scenarios: "Scenario" };
function targets() {
  const out = [];
  for (const section of Object.keys(KIND_WORDS)) {
    for (const item of itemsOf(section)) {
      for (const list of F.vocabulary.lists.filter((l) => l.section === section)) {
        out.push([section, item.id, list.field,
          `${KIND_WORDS[section]} ${nameOf(section, item.id)}: ${list.field === "rules" ? "a scoring rule" : "an effect"}`]);
      }
    }
  }
  return out;
}

function listPlace(section, field) {
  const list = F.vocabulary.lists.find((l) => l.section === section && l.field === field);
  return list ? list.place : "rule";
}

function ruleTarget() {
  const [section, id, field] = ($("#rule-target").value || "||").split("|");
  return { section, id, field };
}

function choicesFor(takes) {
  const d = S.catalogue;
  if (!d) return [];
  const of = (list) => list.map((x) => [x.id, x.name]);
  return {
    tag: of(d.tags), group: of(d.groups), intervention: of(d.interventions), stage: of(d.stages),
    criterion: of(d.criteria), track: of(d.tracks), target: [...of(d.criteria), ...of(d.tracks)],
  }[takes] || [];
}

// A labelled choice and a labelled number (the label beside, not around, the control).
function pick(label, values, cls) {
  const id = nextId("rule");
  const sel = h("select", { id, class: cls }, ...values.map(([v, t]) => option(v, t)));
  return { el: h("div", { class: "rule-part" }, h("label", { for: id }, label), sel), sel };
}

function numberInput(label, low, high, start) {
  const id = nextId("rule");
  const input = h("input", { id, type: "number", inputmode: "numeric", min: String(low), max: String(high), value: String(start) });
  return { el: h("div", { class: "rule-part" }, h("label", { for: id }, label), input), input };
}

// A comparison: which way, and a number.
function compareEditor(what) {
  const way = pick(`${what}: compared how`, Object.entries(COMPARE_WORDS));
  const n = numberInput(`${what}: number`, -1000, 1000, 1);
  return { el: h("div", { class: "row3" }, way.el, n.el), value: () => ({ [way.sel.value]: Number(n.input.value || 0) }) };
}

// One condition in `place`: a word allowed there, then the value that word takes.
function conditionEditor(place, depth, onRemove = null) {
  // Words that hold conditions are offered only while the server allows one more level.
  const words = F.vocabulary.conditions.filter((w) => w.places.includes(place) && (depth < F.vocabulary.max_depth || !w.nests));
  const word = pick("Condition", words.map((w) => [w.word, `${w.word}: ${w.example}`]), "rule-word");
  const holder = h("div", { class: "rule-value" });
  let read = () => undefined;
  function draw() {
    const w = words.find((x) => x.word === word.sel.value);
    const built = valueEditor(w, place, depth);
    read = built.value;
    fill(holder, built.el);
    changedRule();
  }
  word.sel.addEventListener("change", draw);
  const remove = onRemove && h("button", { type: "button", class: "button secondary", onclick: onRemove }, "Remove this condition");
  const el = h("fieldset", { class: "rule-condition" }, h("legend", null, depth ? "A condition inside" : "A condition"), word.el, holder, remove);
  draw();
  return { el, value: () => ({ [word.sel.value]: read() }) };
}

function valueEditor(w, place, depth) {
  const t = w.takes;
  if (["tag", "group", "intervention", "stage"].includes(t)) {
    const p = pick(`Which ${t}`, choicesFor(t));
    return { el: p.el, value: () => p.sel.value };
  }
  if (t === "yes-no") {
    const p = pick("Which", [["true", "yes"], ["false", "no"]]);
    return { el: p.el, value: () => p.sel.value === "true" };
  }
  if (t === "compare") return compareEditor("It");
  if (t === "criterion-compare" || t === "track-compare") {
    const kind = t.split("-")[0];
    const p = pick(`Which ${kind}`, choicesFor(kind));
    const c = compareEditor("Its value");
    return { el: h("div", null, p.el, c.el), value: () => ({ [p.sel.value]: c.value() }) };
  }
  if (t === "count" || t === "every") {
    // every: each adopted intervention (at least one) meets `where`; count: how many do.
    const every = t === "every";
    const scope = pick(every ? "Adopted over" : "Counted over", F.vocabulary.count_scopes[place].map((s) => [s.value, s.text]));
    const where = conditionList("where", depth + 1, every ? "What every adopted intervention must meet" : "Interventions counted (none: all of them)");
    const c = every ? null : compareEditor("How many");
    return { el: h("div", null, scope.el, where.el, c && c.el), value: () => {
      const v = { in: scope.sel.value, ...(c ? c.value() : {}) };
      const wh = where.value();
      if (wh !== undefined) v.where = wh;
      return v;
    } };
  }
  if (t === "conditions") {
    const list = conditionList(place, depth + 1, w.word === "any" ? "At least one of these" : "All of these", true);
    return { el: list.el, value: () => { const v = list.value(); return v === undefined ? [] : Array.isArray(v) ? v : [v]; } };
  }
  return conditionEditor(place, depth + 1); // not: one condition
}

// A list of conditions (all of which must hold), each with a way to remove it.
function conditionList(place, depth, legend, asList = false) {
  const box = h("div", { class: "stack" });
  const parts = [];
  const add = () => {
    const part = conditionEditor(place, depth, () => {
      parts.splice(parts.indexOf(part), 1);
      part.el.remove();
      changedRule();
      addButton.focus();
    });
    parts.push(part);
    box.append(part.el);
    part.el.querySelector("select").focus();
    changedRule();
  };
  const addButton = h("button", { type: "button", class: "button secondary", onclick: add }, depth ? "Add a condition inside" : "Add a condition");
  const el = h("fieldset", { class: "field" }, h("legend", null, legend), box, addButton);
  return { el, value: () => {
    if (!parts.length) return undefined;
    const all = parts.map((p) => p.value());
    return all.length === 1 && !asList ? all[0] : all;
  } };
}

// One effect in `place`: a word allowed there, then its value.
function effectEditor(place, stars, onRemove) {
  const words = F.vocabulary.effects.filter((w) => w.places.includes(place));
  const word = pick("Effect", words.map((w) => [w.word, `${w.word}: ${w.example}`]), "rule-word");
  const holder = h("div", { class: "rule-value" });
  let read = () => true;
  function draw() {
    const w = words.find((x) => x.word === word.sel.value);
    let built;
    if (w.takes === "adds") {
      built = addsEditor(w, stars);
    } else if (w.takes === "cost") {
      const n = numberInput("Change to each intervention's cost", w.low, w.high, Math.max(w.low, -1));
      const where = conditionList("where", 1, "Only interventions for which (none: every one)");
      built = { el: h("div", null, n.el, where.el), value: () => {
        const v = { change: Number(n.input.value || 0) };
        const wh = where.value();
        if (wh !== undefined) v.where = wh;
        return v;
      } };
    } else if (w.takes === "cards") {
      const n = numberInput("How many cards", w.low, w.high, w.low);
      built = { el: n.el, value: () => Number(n.input.value || 0) };
    } else if (w.takes === "change") {
      const n = numberInput("Change", w.low, w.high, Math.min(w.high, 1));
      built = { el: n.el, value: () => ({ change: Number(n.input.value || 0) }) };
    } else {
      built = { el: h("p", { class: "hint" }, "Nothing to choose."), value: () => true };
    }
    read = built.value;
    fill(holder, built.el);
    changedRule();
  }
  word.sel.addEventListener("change", draw);
  const remove = h("button", { type: "button", class: "button secondary rule-effect-remove", onclick: onRemove }, "Remove this effect");
  const el = h("fieldset", { class: "rule-effect" }, h("legend", null, "An effect"), word.el, holder, remove);
  draw();
  return { el, word: () => word.sel.value, value: () => read() };
}

// What an add effect adds to, and how much: a number, or (with one adopted intervention to
// look at) that card's stars on a criterion, times a number.
function addsEditor(w, stars) {
  const target = pick("Add to", choicesFor("target"));
  const kind = stars ? pick("How much is added", [["number", "A number"], ["stars", "The adopted card's stars on a criterion"]]) : null;
  const n = numberInput("How much (a negative number takes away)", w.low, w.high, 1);
  const crit = pick("Stars on", choicesFor("criterion"));
  const times = numberInput("Times", F.vocabulary.times.low, F.vocabulary.times.high, 1);
  const starsPart = h("div", { class: "row3" }, crit.el, times.el);
  const show = () => { const byStars = Boolean(kind) && kind.sel.value === "stars"; n.el.hidden = byStars; starsPart.hidden = !byStars; };
  if (kind) kind.sel.addEventListener("change", show);
  show();
  const el = h("div", null, target.el, kind && kind.el, n.el, starsPart);
  return { el, value: () => {
    if (!kind || kind.sel.value === "number") return { [target.sel.value]: Number(n.input.value || 0) };
    const t = Number(times.input.value || 1);
    return { [target.sel.value]: t === 1 ? { rating: crit.sel.value } : { rating: crit.sel.value, times: t } };
  } };
}

const R = { conditions: null, effects: [], timer: null, asked: 0 };

function drawRuleEditor() {
  const { field } = ruleTarget();
  const isRule = field === "rules";
  $("#rule-per-field").hidden = !isRule;
  $("#rule-why-field").hidden = !isRule;
  $("#rule-if").hidden = !isRule;
  const place = F.vocabulary.rule_places[$("#rule-per").value];
  R.conditions = conditionList(place, 0, "When (every condition must hold; none: always)");
  fill($("#rule-if"), R.conditions.el);
  R.effects = [];
  fill($("#rule-effects"));
  $("#rule-words").textContent = ""; // until the server has said the new one in words
  fill($("#rule-problems"));
  $("#rule-error").textContent = "";
  addEffect(false);
  $("#rule-add-effect").hidden = !isRule;
  $("#rule-then-legend").textContent = isRule ? "Then (what the rule adds)" : "The effect";
  showWritten();
  changedRule();
}

function addEffect(focus = true) {
  const { section, field } = ruleTarget();
  const place = listPlace(section, field);
  // An amount may be the card's stars only where the rule has one intervention to look at.
  const stars = field === "rules" && F.vocabulary.star_places.includes(F.vocabulary.rule_places[$("#rule-per").value]);
  const part = effectEditor(place, stars, () => {
    if (R.effects.length === 1) return;
    R.effects.splice(R.effects.indexOf(part), 1);
    part.el.remove();
    effectButtons();
    changedRule();
    $("#rule-add-effect").focus();
  });
  R.effects.push(part);
  $("#rule-effects").append(part.el);
  effectButtons();
  if (focus) part.el.querySelector("select").focus();
  changedRule();
}

// The only effect cannot be removed: a rule does something.
function effectButtons() {
  for (const b of document.querySelectorAll("#rule-effects .rule-effect-remove")) b.hidden = R.effects.length < 2;
}

function builtRule() {
  const { field } = ruleTarget();
  if (field === "effects") {
    const out = {};
    for (const e of R.effects) out[e.word()] = e.value();
    return out;
  }
  const rule = {};
  const why = $("#rule-why").value.trim();
  if (why) rule.why = why;
  if ($("#rule-per").value === "round") rule.per = "round";
  const cond = R.conditions && R.conditions.value();
  if (cond !== undefined) rule.if = cond;
  // Several add effects are one mapping: {add: {trust: 1, delivery: 1}}.
  const adds = {};
  for (const e of R.effects) Object.assign(adds, e.value());
  rule.then = { add: adds };
  return rule;
}

// What the chosen stage, event or scenario has now, in words; a rule can be removed.
function showWritten() {
  const { section, id, field } = ruleTarget();
  const got = S.rules && S.rules[section] && S.rules[section][id];
  const list = (got && got[field]) || [];
  const remove = (index) => h("button", {
    type: "button", class: "button secondary", id: `rule-remove-${index}`, "aria-label": `Remove rule ${index + 1}`,
    onclick: async () => {
      const done = await applyEdits([{ op: "remove", section, id, field, index }], $("#rule-error"));
      if (done) { announce("Rule removed from the YAML"); $("#rule-target").focus(); }
    },
  }, "Remove");
  fill($("#rule-list"), ...(list.length
    ? list.map((t, i) => h("li", null, t, " ", field === "rules" && mine ? remove(i) : null))
    : [h("li", null, field === "rules" ? "No rules yet." : "No effects yet.")]));
  lockForms();
}

// After a change to the rule being built: its plain words and problems, from the server.
function changedRule() {
  clearTimeout(R.timer);
  R.timer = setTimeout(describeRule, 400);
}

async function describeRule() {
  const target = ruleTarget();
  if (!F.ready || !target.id || !S.catalogue) return;
  const asked = ++R.asked;
  const data = await call("/api/studio/rule", { files: S.files, ...target, item: builtRule() });
  if (asked !== R.asked) return;
  if (!data.ok) {
    $("#rule-words").textContent = "";
    fill($("#rule-problems"), h("li", null, data.error.message));
    return;
  }
  $("#rule-words").textContent = data.words ? `In plain words: ${data.words}.`
    : data.problems.length ? "Not yet a rule the deck can play: see below." : "Fix the deck's other problems to see this in plain words.";
  fill($("#rule-problems"), ...data.problems.map((p) => h("li", null, p.message)));
}

async function applyRule() {
  const target = ruleTarget();
  clearTimeout(R.timer);
  await describeRule();
  if ($("#rule-problems").children.length) {
    $("#rule-error").textContent = "The rule has problems (listed above): fix them first.";
    return;
  }
  const done = await applyEdits([{ op: "append", ...target, item: builtRule() }], $("#rule-error"));
  if (done) {
    announce(target.field === "rules" ? "Rule added to the YAML" : "Effect added to the YAML");
    $("#rule-why").value = "";
    drawRuleEditor();
    $("#rule-target").focus();
  }
}

function drawRuleTargets() {
  const was = $("#rule-target").value;
  const all = targets();
  fill($("#rule-target"), ...all.map(([s, id, f, text]) => option(`${s}|${id}|${f}`, text, `${s}|${id}|${f}` === was)));
  if (!was || !all.some(([s, id, f]) => `${s}|${id}|${f}` === was)) drawRuleEditor();
  else showWritten();
}

// ---- wiring ------------------------------------------------------------------------------

let FORM_KINDS = []; // the kinds of field a form changes, as the server says

// Controls of the forms work on a deck that checks, and for its owner only.
function lockForms() {
  const usable = mine && Boolean(S.catalogue) && S.lastValid;
  for (const el of document.querySelectorAll("#part-form input, #part-form select, #part-form textarea, #part-form button, #rule-form input, #rule-form select, #rule-form button")) {
    el.disabled = !usable;
  }
}

document.addEventListener("deck-checked", (e) => {
  S.lastValid = e.detail.valid;
  if (!F.ready) return;
  if (e.detail.valid) {
    if (F.dirty || F.applying) showPartProblems();
    else refreshPart();
    drawRuleTargets();
  } else {
    showPartProblems();
  }
  lockForms();
});

async function start() {
  const data = await call("/api/studio/forms");
  if (!data.ok) { $("#part-error").textContent = data.error.message; return; }
  F.sections = data.sections;
  F.vocabulary = data.vocabulary;
  FORM_KINDS = data.form_kinds;
  fill($("#part-section"), ...Object.entries(SECTION_NAMES).map(([k, t]) => option(k, t, k === "criteria")));
  F.ready = true;
  $("#part-section").addEventListener("change", () => { $("#part-pick").value = ""; $("#part-pick").dataset.section = ""; drawPart(); });
  $("#part-pick").addEventListener("change", drawPart);
  const typing = () => { F.dirty = true; F.typed++; };
  $("#part-fields").addEventListener("input", typing);
  $("#part-fields").addEventListener("change", typing);
  $("#part-id").addEventListener("input", typing);
  $("#part-apply").addEventListener("click", applyPart);
  $("#rule-target").addEventListener("change", drawRuleEditor);
  $("#rule-per").addEventListener("change", drawRuleEditor);
  $("#rule-why").addEventListener("input", changedRule);
  $("#rule-add-effect").addEventListener("click", () => addEffect(true));
  $("#rule-form").addEventListener("input", changedRule);
  $("#rule-form").addEventListener("change", changedRule);
  $("#rule-apply").addEventListener("click", applyRule);
  if (S.catalogue) {
    S.lastValid = true;
    drawPart();
    drawRuleTargets();
  }
  lockForms();
}

start();
