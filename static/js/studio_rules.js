// The deck studio's rule editor: a scoring rule (or an event's effect) built from the words the
// vocabulary allows where it goes (GET /api/studio/forms says which), shown in plain words with
// the deck check's problems (POST /api/studio/rule), then added to the YAML; or a rule the deck
// has, opened in the same controls, changed and saved back in its place. This file decides no
// rule of a deck: what it builds is checked by the server's deck loader. Deck text is set as
// text only.
import { $, h, fill } from "./dom.js";
import { mine, call, applyEdits, announce } from "./studio.js";
import { S, option, itemsOf, nameOf } from "./studio_state.js";

let V = null; // the vocabulary, as the server describes it
let uid = 0;
const nextId = (stem) => `${stem}-${++uid}`;
const isMap = (v) => Boolean(v) && typeof v === "object" && !Array.isArray(v);

// A rule written in a way these controls cannot show (two comparisons in one, say): the
// facilitator changes it in the YAML view instead, and is told so.
class Unshown extends Error {}

// Every list the rule editor may add to (the server says which), item by item; then each
// condition that stands alone: how the table wins (the deck's, a scenario's), an objective's.
const KIND_WORDS = { stages: "Stage", events: "Event", scenarios: "Scenario", roles: "Role" };
const LIST_WORDS = { rules: "a scoring rule", effects: "an effect", "ability.effects": "an effect of its ability" };
const CONDITION_WORDS = {
  "settings|win": () => "Settings: how the table wins (a condition)",
  "scenarios|win": (id) => `Scenario ${nameOf("scenarios", id)}: how the table wins in it (a condition)`,
  "roles|objective": (id) => `Role ${nameOf("roles", id)}: its secret objective's condition`,
};
function targets() {
  const out = [];
  for (const section of Object.keys(KIND_WORDS)) {
    for (const item of itemsOf(section)) {
      for (const list of V.lists.filter((l) => l.section === section)) {
        out.push([section, item.id, list.field,
          `${KIND_WORDS[section]} ${nameOf(section, item.id)}: ${LIST_WORDS[list.field] || list.field}`]);
      }
    }
  }
  for (const t of V.condition_targets) {
    const words = CONDITION_WORDS[`${t.section}|${t.field}`];
    if (!words) continue;
    const ids = t.section === "settings" ? [""] : itemsOf(t.section).map((i) => i.id);
    for (const id of ids) out.push([t.section, id, t.field, words(id)]);
  }
  return out;
}

function listPlace(section, field) {
  const list = V.lists.find((l) => l.section === section && l.field === field);
  return list ? list.place : "rule";
}

function ruleTarget() {
  const [section, id, field] = ($("#rule-target").value || "||").split("|");
  return { section, id, field };
}

// The chosen place holds one condition (a win, an objective), not a list of rules.
function isCondition({ section, field }) {
  return V.condition_targets.some((t) => t.section === section && t.field === field);
}

function conditionNow({ section, id }) {
  const got = ((S.conditions || {})[section] || {})[id];
  return got || { value: undefined, words: null };
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

// A labelled choice and a labelled number (the label beside, not around, the control), each
// set to `chosen` when a rule is opened.
function pick(label, values, cls, chosen) {
  const id = nextId("rule");
  const sel = h("select", { id, class: cls }, ...values.map(([v, t]) => option(v, t)));
  if (chosen !== undefined) {
    if (!values.some(([v]) => v === String(chosen))) throw new Unshown(`${label}: ${String(chosen)}`);
    sel.value = String(chosen);
  }
  return { el: h("div", { class: "rule-part" }, h("label", { for: id }, label), sel), sel };
}

function numberInput(label, low, high, start) {
  if (!Number.isInteger(start)) throw new Unshown(`${label}: ${String(start)}`);
  const id = nextId("rule");
  const input = h("input", { id, type: "number", inputmode: "numeric", min: String(low), max: String(high), value: String(start) });
  return { el: h("div", { class: "rule-part" }, h("label", { for: id }, label), input), input };
}

// A comparison: which way, and a number (one of each: the YAML view writes more).
function compareEditor(what, init) {
  let way0, n0 = 1;
  if (init !== undefined) {
    const keys = isMap(init) ? Object.keys(init) : [];
    if (keys.length !== 1 || !V.compare.includes(keys[0])) throw new Unshown("a comparison");
    [way0] = keys;
    n0 = init[way0];
  }
  // The comparison words are the deck format's (the server lists them): "at_least" reads
  // "at least".
  const way = pick(`${what}: compared how`, V.compare.map((k) => [k, k.replace(/_/g, " ")]), undefined, way0);
  const n = numberInput(`${what}: number`, -1000, 1000, n0);
  return { el: h("div", { class: "row3" }, way.el, n.el), value: () => ({ [way.sel.value]: Number(n.input.value || 0) }) };
}

// One condition in `place`: a word allowed there, then the value that word takes; `init`, a
// condition as the YAML has it ({word: value}), when a rule is opened.
function conditionEditor(place, depth, onRemove = null, init = undefined) {
  // Words that hold conditions are offered only while the server allows one more level.
  const words = V.conditions.filter((w) => w.places.includes(place) && (depth < V.max_depth || !w.nests));
  if (init !== undefined && (!isMap(init) || Object.keys(init).length !== 1)) throw new Unshown("a condition");
  const word = pick("Condition", words.map((w) => [w.word, `${w.word}: ${w.example}`]), "rule-word",
    init === undefined ? undefined : Object.keys(init)[0]);
  const holder = h("div", { class: "rule-value" });
  let read = () => undefined;
  function draw(value) {
    const w = words.find((x) => x.word === word.sel.value);
    const built = valueEditor(w, place, depth, value);
    read = built.value;
    fill(holder, built.el);
    changedRule();
  }
  word.sel.addEventListener("change", () => draw());
  const remove = onRemove && h("button", { type: "button", class: "button secondary", onclick: onRemove }, "Remove this condition");
  const el = h("fieldset", { class: "rule-condition" }, h("legend", null, depth ? "A condition inside" : "A condition"), word.el, holder, remove);
  draw(init === undefined ? undefined : Object.values(init)[0]);
  return { el, value: () => ({ [word.sel.value]: read() }) };
}

function valueEditor(w, place, depth, init) {
  const t = w.takes;
  if (["tag", "group", "intervention", "stage"].includes(t)) {
    const p = pick(`Which ${t}`, choicesFor(t), undefined, init);
    return { el: p.el, value: () => p.sel.value };
  }
  if (t === "yes-no") {
    const p = pick("Which", [["true", "yes"], ["false", "no"]], undefined, init);
    return { el: p.el, value: () => p.sel.value === "true" };
  }
  if (t === "compare") return compareEditor("It", init);
  if (t === "criterion-compare" || t === "track-compare") {
    const kind = t.split("-")[0];
    if (init !== undefined && (!isMap(init) || Object.keys(init).length !== 1)) throw new Unshown(`a ${kind}`);
    const [id, cmp] = init === undefined ? [] : Object.entries(init)[0];
    const p = pick(`Which ${kind}`, choicesFor(kind), undefined, id);
    const c = compareEditor("Its value", cmp);
    return { el: h("div", null, p.el, c.el), value: () => ({ [p.sel.value]: c.value() }) };
  }
  if (t === "count" || t === "every") {
    // every: each adopted intervention (at least one) meets `where`; count: how many do.
    const every = t === "every";
    if (init !== undefined && !isMap(init)) throw new Unshown(`a ${t}`);
    const { in: scope0, where: where0, ...cmp } = init || {};
    if (every && Object.keys(cmp).length) throw new Unshown("every with a comparison");
    const scope = pick(every ? "Adopted over" : "Counted over", V.count_scopes[place].map((s) => [s.value, s.text]), undefined, scope0);
    const where = conditionList("where", depth + 1, every ? "What every adopted intervention must meet" : "Interventions counted (none: all of them)", false, where0);
    const c = every ? null : compareEditor("How many", init === undefined ? undefined : cmp);
    return { el: h("div", null, scope.el, where.el, c && c.el), value: () => {
      const v = { in: scope.sel.value, ...(c ? c.value() : {}) };
      const wh = where.value();
      if (wh !== undefined) v.where = wh;
      return v;
    } };
  }
  if (t === "conditions") {
    if (init !== undefined && !Array.isArray(init)) throw new Unshown(`${w.word} without a list`);
    const list = conditionList(place, depth + 1, w.word === "any" ? "At least one of these" : "All of these", true, init);
    return { el: list.el, value: () => { const v = list.value(); return v === undefined ? [] : Array.isArray(v) ? v : [v]; } };
  }
  return conditionEditor(place, depth + 1, null, init); // not: one condition
}

// A condition as the YAML may write it, as the one-word conditions a list of controls shows:
// several keys in one mapping, or a list, mean all of them (inside `any`, a list item of
// several keys is not "all of these": the YAML view writes that).
function oneByOne(init, asList) {
  if (init === undefined) return [];
  const items = Array.isArray(init) ? init : [init];
  const out = [];
  for (const c of items) {
    if (!isMap(c) || (asList && Object.keys(c).length !== 1)) throw new Unshown("a list of conditions");
    for (const [k, v] of Object.entries(c)) out.push({ [k]: v });
  }
  return out;
}

// A list of conditions (all of which must hold), each with a way to remove it.
function conditionList(place, depth, legend, asList = false, init = undefined) {
  const box = h("div", { class: "stack" });
  const parts = [];
  const add = (value = undefined) => {
    const part = conditionEditor(place, depth, () => {
      parts.splice(parts.indexOf(part), 1);
      part.el.remove();
      changedRule();
      addButton.focus();
    }, value);
    parts.push(part);
    box.append(part.el);
    if (value === undefined) part.el.querySelector("select").focus();
    changedRule();
  };
  const addButton = h("button", { type: "button", class: "button secondary", onclick: () => add() }, depth ? "Add a condition inside" : "Add a condition");
  for (const c of oneByOne(init, asList)) add(c);
  const el = h("fieldset", { class: "field" }, h("legend", null, legend), box, addButton);
  return { el, value: () => {
    if (!parts.length) return undefined;
    const all = parts.map((p) => p.value());
    return all.length === 1 && !asList ? all[0] : all;
  } };
}

// One effect in `place`: a word allowed there, then its value; `init` ([word, value]) when a
// rule is opened.
function effectEditor(place, stars, onRemove, init) {
  const words = V.effects.filter((w) => w.places.includes(place));
  const word = pick("Effect", words.map((w) => [w.word, `${w.word}: ${w.example}`]), "rule-word", init && init[0]);
  const holder = h("div", { class: "rule-value" });
  let read = () => true;
  function draw(value) {
    const w = words.find((x) => x.word === word.sel.value);
    let built;
    if (w.takes === "adds") {
      built = addsEditor(w, stars, value);
    } else if (w.takes === "cost") {
      if (value !== undefined && (!isMap(value) || Object.keys(value).some((k) => k !== "change" && k !== "where"))) throw new Unshown("a cost");
      const n = numberInput("Change to each intervention's cost", w.low, w.high, value === undefined ? Math.max(w.low, -1) : value.change);
      const where = conditionList("where", 1, "Only interventions for which (none: every one)", false, value && value.where);
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
  word.sel.addEventListener("change", () => draw());
  const remove = h("button", { type: "button", class: "button secondary rule-effect-remove", onclick: onRemove }, "Remove this effect");
  const el = h("fieldset", { class: "rule-effect" }, h("legend", null, "An effect"), word.el, holder, remove);
  draw(init && init[1]);
  return { el, word: () => word.sel.value, value: () => read() };
}

// What an add effect adds to, and how much: a number, or (with one adopted intervention to
// look at) that card's stars on a criterion, times a number. `init`: [target, amount].
function addsEditor(w, stars, init) {
  const [target0, amount] = init || [];
  const byStars0 = isMap(amount);
  if (init !== undefined && ((byStars0 && (!stars || Object.keys(amount).some((k) => k !== "rating" && k !== "times")))
    || (!byStars0 && !Number.isInteger(amount)))) throw new Unshown("an amount");
  const target = pick("Add to", choicesFor("target"), undefined, target0);
  const kind = stars ? pick("How much is added", [["number", "A number"], ["stars", "The adopted card's stars on a criterion"]],
    undefined, init === undefined ? undefined : byStars0 ? "stars" : "number") : null;
  const n = numberInput("How much (a negative number takes away)", w.low, w.high, byStars0 || init === undefined ? 1 : amount);
  const crit = pick("Stars on", choicesFor("criterion"), undefined, byStars0 ? amount.rating : undefined);
  const times = numberInput("Times", V.times.low, V.times.high, byStars0 ? amount.times ?? 1 : 1);
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

// `editing`: the index of the rule opened to be changed in its place (null: a new one);
// `drawn` counts the editor's redraws, so that an Apply answered late leaves alone an editor
// the facilitator has moved on in (another place chosen, another rule opened).
const R = { conditions: null, effects: [], timer: null, asked: 0, editing: null, was: null, drawn: 0 };

// The editor drawn empty, or (`entry`, a rule as the YAML has it) showing that rule; throws
// Unshown for a rule these controls cannot show.
function drawRuleEditor(entry = undefined) {
  R.drawn++;
  const target = ruleTarget();
  if (isCondition(target)) { drawConditionEditor(target); return; }
  $("#rule-then").hidden = false;
  const { field } = target;
  const isRule = field === "rules";
  if (entry !== undefined) {
    const extra = isMap(entry) ? Object.keys(entry).filter((k) => !["why", "per", "if", "then"].includes(k)) : ["it"];
    if (extra.length || !isMap(entry.then) || Object.keys(entry.then).some((k) => k !== "add" && k !== "cost")
      || (entry.then.add !== undefined && !isMap(entry.then.add))
      || (entry.why !== undefined && typeof entry.why !== "string")) throw new Unshown("the rule");
  }
  $("#rule-per-field").hidden = !isRule;
  $("#rule-why-field").hidden = !isRule;
  $("#rule-if").hidden = !isRule;
  if (entry !== undefined) {
    $("#rule-per").value = entry.per === "round" ? "round" : "adopted";
    $("#rule-why").value = entry.why || "";
  }
  const place = V.rule_places[$("#rule-per").value];
  R.conditions = conditionList(place, 0, "When (every condition must hold; none: always)", false, entry && entry.if);
  fill($("#rule-if"), R.conditions.el);
  R.effects = [];
  fill($("#rule-effects"));
  $("#rule-words").textContent = ""; // until the server has said the new one in words
  fill($("#rule-problems"));
  $("#rule-error").textContent = "";
  if (entry === undefined) addEffect(false);
  else {
    for (const pair of Object.entries(entry.then.add || {})) addEffect(false, ["add", pair]);
    if (entry.then.cost !== undefined) addEffect(false, ["cost", entry.then.cost]);
    if (!R.effects.length) throw new Unshown("a rule that does nothing");
  }
  $("#rule-add-effect").hidden = !isRule;
  $("#rule-then-legend").textContent = isRule ? "Then (what the rule adds)" : "The effect";
  showWritten();
  changedRule();
}

// A win or an objective: the condition there now, in the same controls, to change; its
// place is the end of the game ("game"), as the loader reads it.
function drawConditionEditor(target) {
  for (const id of ["#rule-per-field", "#rule-why-field", "#rule-then"]) $(id).hidden = true;
  $("#rule-if").hidden = false;
  R.effects = [];
  $("#rule-error").textContent = "";
  const legend = "The condition (every part must hold)";
  try {
    R.conditions = conditionList("game", 0, legend, false, conditionNow(target).value);
  } catch (e) {
    if (!(e instanceof Unshown)) throw e;
    R.conditions = conditionList("game", 0, legend);
    $("#rule-error").textContent = `The condition is written in a way this editor cannot show (${e.message}): change it in the YAML view, or build a new one here.`;
  }
  fill($("#rule-if"), R.conditions.el);
  $("#rule-words").textContent = "";
  fill($("#rule-problems"));
  showWritten();
  showMode();
  changedRule();
}

function addEffect(focus = true, init = undefined) {
  const { section, field } = ruleTarget();
  const place = listPlace(section, field);
  // An amount may be the card's stars only where the rule has one intervention to look at.
  const stars = field === "rules" && V.star_places.includes(V.rule_places[$("#rule-per").value]);
  const part = effectEditor(place, stars, () => {
    if (R.effects.length === 1) return;
    R.effects.splice(R.effects.indexOf(part), 1);
    part.el.remove();
    effectButtons();
    changedRule();
    $("#rule-add-effect").focus();
  }, init === undefined ? undefined : [init[0], init[1]]);
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
  if (isCondition(ruleTarget())) return (R.conditions && R.conditions.value()) ?? null;
  const { field } = ruleTarget();
  if (field !== "rules") { // an event's or an ability's effects: one mapping, a word each
    const out = {};
    for (const e of R.effects) Object.assign(out, { [e.word()]: e.value() });
    return out;
  }
  const rule = {};
  const why = $("#rule-why").value.trim();
  if (why) rule.why = why;
  if ($("#rule-per").value === "round") rule.per = "round";
  const cond = R.conditions && R.conditions.value();
  if (cond !== undefined) rule.if = cond;
  // Several add effects are one mapping: {add: {trust: 1, delivery: 1}}; a cost is its own.
  rule.then = {};
  for (const e of R.effects) {
    if (e.word() === "add") rule.then.add = { ...(rule.then.add || {}), ...e.value() };
    else rule.then[e.word()] = e.value();
  }
  return rule;
}

// Changing rule N, or adding a new one: the buttons and the heading say which.
function showMode() {
  const editing = R.editing !== null;
  $("#rule-apply").textContent = isCondition(ruleTarget()) ? "Write the condition into the deck"
    : editing ? `Save rule ${R.editing + 1}` : "Add it to the deck";
  $("#rule-cancel").hidden = !editing;
  $("#rule-cancel").textContent = editing ? `Stop changing rule ${R.editing + 1}` : "";
  $("#rule-mode").textContent = editing ? `Changing rule ${R.editing + 1}: save it back in its place, or stop.` : "";
}

// A rule of the list opened in the editor, to change it and save it back in its place.
function openRule(index) {
  const { section, id } = ruleTarget();
  const entry = ((S.entries || {})[section] || {})[id];
  try {
    drawRuleEditor(entry ? entry[index] : null);
    R.editing = index;
    R.was = entry ? entry[index] : null; // sent back on saving: the server refuses if it moved
    showMode();
    $("#rule-per-field").querySelector("select").focus();
  } catch (e) {
    if (!(e instanceof Unshown)) throw e;
    stopEditing();
    $("#rule-error").textContent = `Rule ${index + 1} is written in a way this editor cannot show (${e.message}): change it in the YAML view.`;
  }
}

function stopEditing() {
  R.editing = null;
  $("#rule-why").value = ""; // the opened rule's: a new one starts empty
  drawRuleEditor();
  showMode();
}

// What the chosen stage, event or scenario has now, in words; a rule can be opened to change
// it, or removed.
function showWritten() {
  const { section, id, field } = ruleTarget();
  if (isCondition({ section, field })) {
    const now = conditionNow({ section, id });
    fill($("#rule-list"), h("li", null, now.value === undefined ? "Not set." : now.words || "Set (fix the deck's problems to see it in words)."));
    lockRules();
    return;
  }
  const got = S.rules && S.rules[section] && S.rules[section][id];
  const list = (got && got[field]) || [];
  const remove = (index) => h("button", {
    type: "button", class: "button secondary", id: `rule-remove-${index}`, "aria-label": `Remove rule ${index + 1}`,
    onclick: async () => {
      const done = await applyEdits([{ op: "remove", section, id, field, index }], $("#rule-error"));
      if (done) {
        announce("Rule removed from the YAML");
        if (R.editing !== null) stopEditing();
        $("#rule-target").focus();
      }
    },
  }, "Remove");
  const change = (index) => h("button", {
    type: "button", class: "button secondary", id: `rule-open-${index}`, "aria-label": `Change rule ${index + 1}`,
    onclick: () => openRule(index),
  }, "Change");
  fill($("#rule-list"), ...(list.length
    ? list.map((t, i) => h("li", null, t, " ", field === "rules" && mine ? [change(i), " ", remove(i)] : null))
    : [h("li", null, field === "rules" ? "No rules yet." : "No effects yet.")]));
  lockRules();
}

// After a change to the rule being built: its plain words and problems, from the server.
function changedRule() {
  clearTimeout(R.timer);
  R.timer = setTimeout(describeRule, 400);
}

async function describeRule() {
  const target = ruleTarget();
  if (!V || (!target.id && target.section !== "settings") || !S.catalogue) return;
  const asked = ++R.asked;
  const at = R.editing === null ? {} : { index: R.editing };
  const data = await call("/api/studio/rule", { files: S.files, ...target, ...at, item: builtRule() });
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
  const editing = R.editing;
  const drawn = R.drawn;
  const cond = isCondition(target);
  const edit = cond ? { op: "condition", ...target, value: builtRule() }
    : editing === null ? { op: "append", ...target, item: builtRule() }
      : { op: "replace", ...target, index: editing, was: R.was, item: builtRule() };
  const done = await applyEdits([edit], $("#rule-error"));
  if (done && drawn !== R.drawn) { // moved on meanwhile: say it is done, redraw nothing
    announce(cond ? "Condition written into the YAML" : "Written into the YAML");
    return;
  }
  if (done && cond) {
    announce("Condition written into the YAML");
    drawRuleEditor();
    $("#rule-target").focus();
    return;
  }
  if (done) {
    announce(editing !== null ? `Rule ${editing + 1} changed in the YAML`
      : target.field === "rules" ? "Rule added to the YAML" : "Effect added to the YAML");
    R.editing = null;
    $("#rule-why").value = "";
    drawRuleEditor();
    showMode();
    $("#rule-target").focus();
  }
}

function drawRuleTargets() {
  const was = $("#rule-target").value;
  const all = targets();
  fill($("#rule-target"), ...all.map(([s, id, f, text]) => option(`${s}|${id}|${f}`, text, `${s}|${id}|${f}` === was)));
  if (!was || !all.some(([s, id, f]) => `${s}|${id}|${f}` === was)) {
    R.editing = null;
    drawRuleEditor();
    showMode();
  } else {
    showWritten();
  }
}

// The rule editor is for the deck's owner, once a check has passed (it needs the catalogue's
// choices). It stays usable while the deck has problems since: a new ability or objective
// lacks its effects or condition until this editor writes them, and the server writes
// nothing that has problems on its own lines.
function lockRules() {
  const usable = mine && Boolean(S.catalogue);
  for (const el of document.querySelectorAll("#rule-form input, #rule-form select, #rule-form button")) el.disabled = !usable;
}

// Called once the forms' description has come (studio_forms.js fetches it).
export function startRules(vocabulary) {
  V = vocabulary;
  const another = () => { R.editing = null; drawRuleEditor(); showMode(); };
  $("#rule-target").addEventListener("change", another);
  $("#rule-per").addEventListener("change", () => drawRuleEditor());
  $("#rule-why").addEventListener("input", changedRule);
  $("#rule-add-effect").addEventListener("click", () => addEffect(true));
  $("#rule-form").addEventListener("input", changedRule);
  $("#rule-form").addEventListener("change", changedRule);
  $("#rule-apply").addEventListener("click", applyRule);
  $("#rule-cancel").addEventListener("click", () => { stopEditing(); $("#rule-target").focus(); });
  document.addEventListener("deck-checked", (e) => {
    if (e.detail.valid) drawRuleTargets();
    lockRules();
  });
  if (S.catalogue) drawRuleTargets();
  lockRules();
}
