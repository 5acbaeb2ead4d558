// The closing reflection of a solo game: a few questions the server draws from the finished
// game and the deck, answered by tapping. The server checks each answer (it never trusts the
// page) and says whether it was right, with the right answer and its reason; this module only
// draws what it says, in words (never colour alone), and deck text only as text.
import { h, say } from "./dom.js";

// `reflection` is the view's `game.reflection`; `send(question, choice)` asks the server and
// resolves to its answer ({ok, verdict, reflection} or {ok: false, error}).
export function reflectionView(reflection, send, state) {
  const qs = reflection.questions || [];
  const score = reflection.answered
    ? `${reflection.right} of ${reflection.answered} answered right, ${reflection.of - reflection.answered} to go.`
    : `${qs.length} short ${qs.length === 1 ? "question" : "questions"} on the game you just played. Tap an answer: the first one counts.`;
  return [
    h("h2", { id: "reflect-h", tabindex: "-1" }, "Reflect"),
    h("p", { class: "small", id: "reflect-score" }, reflection.answered === reflection.of && qs.length
      ? `Done: ${reflection.right} of ${reflection.of} right. It is kept in your practice record.` : score),
    h("p", { class: "error", id: "reflect-msg", role: "alert" }, state.message || ""),
    h("ol", { class: "reflect" }, qs.map((q) => questionView(q, qs.length, send, state))),
  ];
}

function questionView(q, count, send, state) {
  const id = `reflect-q${q.index}`;
  const v = q.answered;
  return h("li", { class: "reflect-q" },
    h("p", { class: "reflect-text", id }, h("span", { class: "vh" }, `Question ${q.index + 1} of ${count}: `), q.text),
    v ? verdictView(q, v) : h("div", { class: "reflect-choices", role: "group", "aria-labelledby": id },
      q.choices.map((text, i) => h("button", { class: "button secondary reflect-choice", type: "button",
        id: `${id}-c${i}`, disabled: state.busy === q.index, onclick: () => send(q.index, i) }, text))));
}

function verdictView(q, v) {
  return [
    h("ul", { class: "reflect-answers" }, q.choices.map((text, i) => {
      const mine = i === v.choice;
      const right = i === v.answer;
      if (!mine && !right) return h("li", { class: "reflect-other" }, text);
      const label = right && mine ? "\u2714 Your answer, right: " : right ? "\u2714 Right answer: " : "\u2718 Your answer: ";
      return h("li", { class: right ? "reflect-right" : "reflect-wrong" }, h("strong", null, label), text);
    })),
    h("p", { class: "reflect-verdict", id: `reflect-q${q.index}-verdict`, tabindex: "-1" },
      h("strong", null, v.right ? "Right. " : "Not this time. "), v.reason),
  ];
}

// What to announce once an answer is checked.
export function verdictWords(v) {
  return v.right ? `Right. ${v.reason}` : `Not this time: the right answer is ${v.answer_text}. ${v.reason}`;
}

// Ask the server, then hand its new reflection to `done` and announce the verdict.
export async function answerReflection(conn, question, choice, done, fail) {
  const res = await conn.call("reflect", { question, choice });
  if (!res.ok) {
    // Answered already (in another tab): the refusal carries the reflection as it is kept.
    if (res.error.reflection) done(res.error.reflection);
    fail(res.error.message);
    return;
  }
  done(res.reflection);
  say(verdictWords(res.verdict));
  document.getElementById(`reflect-q${question}-verdict`)?.focus({ preventScroll: false });
}
