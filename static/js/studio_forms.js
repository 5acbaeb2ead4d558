// The deck studio's form for every other part of a deck, drawn from what the server describes
// (GET /api/studio/forms: each section's fields); this file holds no rule of a deck. What it
// changes goes into the YAML through the same edits as the card form (studio.js), and the deck
// check's problems show beside the field they are about. Deck text is set as text only. The
// rule editor, started here with the vocabulary from the same answer, is studio_rules.js.
import { $, h, fill } from "./dom.js";
import { mine, call, applyEdits, announce } from "./studio.js";
import { S, option, itemsOf, nameOf } from "./studio_state.js";
import { startRules } from "./studio_rules.js";

// `dirty`: the part form holds typing not applied yet, which a check must not redraw away;
// `typed` counts its input events; `applying`: an Apply is waiting for the server; `drawn`:
// the part and choices its controls were drawn for (see refreshPart).
const F = { sections: null, ready: false, dirty: false, typed: 0, applying: false, drawn: "" };
const NEW = "";
// The sections the generic form offers: interventions have their own form, with a preview.
const SECTION_NAMES = {
  deck: "The deck itself", settings: "Settings", criteria: "Criteria", groups: "Groups",
  tags: "Tags", tracks: "Tracks", stages: "Stages", events: "Events", roles: "Roles",
  scenarios: "Scenarios", difficulties: "Difficulties", lessons: "Lessons",
  reflection: "Reflection questions",
};

// A control's id: a part's own keys are "ability.name", and a dot is no place in an id.
const cid = (key) => `part-${key.replace(/\./g, "-")}`;
// The keys of a part (a role's ability, say) a form changes; `key` becomes "ability.name".
const partsOf = (f) => (f.parts || []).filter((p) => FORM_KINDS.includes(p.kind))
  .map((p) => ({ ...p, key: `${f.key}.${p.key}`, own: p.key }));

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
  const id = cid(f.key);
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
  } else if (f.kind === "part") {
    const v = value && typeof value === "object" ? value : {};
    const elsewhere = (f.parts || []).filter((p) => !FORM_KINDS.includes(p.kind))
      .map((p) => `${p.label}: ${["condition", "effects"].includes(p.kind) ? "with the rule editor below" : "in the YAML view"}.`);
    return h("fieldset", { class: "field stack", id, "data-key": f.key, "aria-describedby": `${id}-problem` }, h("legend", null, f.label),
      ...partsOf(f).map((p) => fieldControl(p, v[p.own])),
      elsewhere.length ? h("p", { class: "hint" }, elsewhere.join(" ")) : null, note);
  } else if (f.kind === "texts") {
    const list = Array.isArray(value) ? value : [];
    const boxes = Array.from({ length: f.high }, (_, n) => {
      const input = h("input", { id: `${id}-${n}`, maxlength: String(f.limit) });
      input.value = typeof list[n] === "string" ? list[n] : "";
      return h("label", null, `Answer ${n + 1}`, input);
    });
    return h("fieldset", { class: "field stack", id, "data-key": f.key, "aria-describedby": `${id}-problem` },
      h("legend", null, label), ...boxes, note);
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
  const rules = elsewhere.filter((f) => ["rules", "effects", "condition"].includes(f.kind));
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
  const id = cid(f.key);
  if (f.kind === "part") {
    for (const p of partsOf(f)) writeField(p, value && typeof value === "object" ? value[p.own] : undefined);
    return;
  }
  if (f.kind === "texts") {
    const list = Array.isArray(value) ? value : [];
    for (const [n, i] of [...$(`#${id}`).querySelectorAll("input")].entries()) i.value = typeof list[n] === "string" ? list[n] : "";
    return;
  }
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
  const id = cid(f.key);
  if (f.kind === "part") return Object.fromEntries(partsOf(f).map((p) => [p.own, readField(p)]));
  if (f.kind === "name" || f.kind === "text") { const v = $(`#${id}`).value; return v.trim() === "" ? undefined : v; }
  if (f.kind === "int") { const v = $(`#${id}`).value; return v === "" ? undefined : Number(v); }
  if (f.kind === "choice" || f.kind === "ref") { const v = $(`#${id}`).value; return v === "" ? undefined : v; }
  if (f.kind === "bool") return $(`#${id}`).checked;
  if (f.kind === "range") {
    const lo = $(`#${id}-min`).value, hi = $(`#${id}-max`).value;
    return lo === "" && hi === "" ? undefined : { min: Number(lo), max: Number(hi) };
  }
  const inputs = [...$(`#${id}`).querySelectorAll("input")];
  if (f.kind === "texts") {
    const list = inputs.map((i) => i.value.trim()).filter(Boolean);
    return list.length ? list : undefined;
  }
  if (f.kind === "refs") return inputs.filter((i) => i.checked).map((i) => i.dataset.id);
  const out = {};
  for (const i of inputs) if (i.value !== "") out[i.dataset.id] = Number(i.value);
  return out;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// Whether a control's value `v` (readField) says what the YAML's `was` says: an empty list,
// no amounts or "no" are what a missing key means.
function unchanged(f, v, was) {
  if (f.kind === "part") {
    const w = was && typeof was === "object" ? was : {};
    return partsOf(f).every((p) => unchanged(p, v[p.own], w[p.own]));
  }
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
      let v = readField(f);
      if (f.kind === "part") { // the keys left empty dropped (JSON leaves out undefined)
        const kept = JSON.parse(JSON.stringify(v));
        v = Object.keys(kept).length ? kept : undefined;
      }
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
      if (f.kind === "part") { // each key of the part on its own: the rest stays as written
        const w = was && typeof was === "object" ? was : {};
        for (const p of partsOf(f)) {
          if (!unchanged(p, v[p.own], w[p.own])) edits.push({ op: "set", section, id: item.id, field: f.key, key: p.own, value: v[p.own] ?? null });
        }
        continue;
      }
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
    drawPartPicker(); // the new one among the choices first, even when the deck has problems
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
  const edit = edits[data.error.edit] || {};
  // A new item's field is named by the server; a change's, by the edit itself.
  const key = data.error.field || (edit.key ? `${edit.field}.${edit.key}` : edit.field);
  const note = key && $(`#${cid(key)}-problem`);
  if (!note) return;
  showPartProblems(); // the deck check's own, and this refusal beside its field
  note.textContent = note.textContent ? `${data.error.message}; ${note.textContent}` : data.error.message;
  say.textContent = "Nothing was changed: see the message beside the field.";
  const control = [cid(key), `${cid(key)}-min`, `${cid(key)}-0`].map((i) => document.getElementById(i))
    .find((el) => el && el.focus && el.tagName !== "FIELDSET");
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
    const note = key && $(`#${cid(key)}-problem`);
    if (note) note.textContent = note.textContent ? `${note.textContent}; ${p.message}` : p.message;
    else if (p.line === item.line) loose.push(p);
  }
  fill(list, ...loose.map((p) => h("li", null, p.message)));
}

// ---- wiring ------------------------------------------------------------------------------

let FORM_KINDS = []; // the kinds of field a form changes, as the server says

// The form works on a deck that checks, and for its owner only.
function lockForms() {
  const usable = mine && Boolean(S.catalogue) && S.lastValid;
  for (const el of document.querySelectorAll("#part-form input, #part-form select, #part-form textarea, #part-form button")) {
    el.disabled = !usable;
  }
}

document.addEventListener("deck-checked", (e) => {
  if (!F.ready) return;
  if (e.detail.valid) {
    if (F.dirty || F.applying) showPartProblems();
    else refreshPart();
  } else {
    showPartProblems();
  }
  lockForms();
});

async function start() {
  const data = await call("/api/studio/forms");
  if (!data.ok) { $("#part-error").textContent = data.error.message; return; }
  F.sections = data.sections;
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
  if (S.catalogue) drawPart();
  lockForms();
  startRules(data.vocabulary);
}

start();
