// The deck studio's state, shared by the editor (studio.js), the forms (studio_forms.js) and
// the rule editor (studio_rules.js), and the few helpers that read the items in it.
import { h } from "./dom.js";

export const S = {
  files: {}, // file name -> text: the deck as edited now
  file: "", // the file shown in the YAML view
  problems: [], // the loader's, for the files as last checked
  catalogue: null, // the deck's public catalogue, from the last check that passed
  past: [], future: [], // undo and redo: snapshots of `files`
  saved: null, // the files as last saved or loaded
  timer: null,
};

export function option(value, text, selected) {
  const o = h("option", { value }, text);
  o.selected = Boolean(selected);
  return o;
}

// The items of a section as the YAML has them (S.items, from the last check), and one's name.
export function itemsOf(section) {
  const got = S.items && S.items[section];
  return Array.isArray(got) ? got : [];
}

export function nameOf(section, id) {
  const item = itemsOf(section).find((i) => i.id === id);
  return item && item.values.name ? `${item.values.name} (${id})` : id;
}
