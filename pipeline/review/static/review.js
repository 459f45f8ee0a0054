// Keyboard-first review queue. Every piece of article text arrives already escaped in
// server-rendered HTML; this script only moves that HTML around and sets textContent.
"use strict";

const undoStack = [];
let current = -1;

function cards() {
  return Array.from(document.querySelectorAll("#queue .card"));
}

function focusCard(i, scroll = true) {
  const list = cards();
  if (!list.length) return;
  current = Math.max(0, Math.min(i, list.length - 1));
  list.forEach((c, j) => c.classList.toggle("focused", j === current));
  if (scroll) list[current].scrollIntoView({ block: "nearest" });
}

function focused() {
  const list = cards();
  return current >= 0 ? list[current] : null;
}

function showError(card, message) {
  const p = card.querySelector(".error");
  p.textContent = message;
  p.hidden = !message;
}

async function post(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try { data = await res.json(); } catch (e) { /* empty body */ }
  if (!res.ok) throw new Error(data.error || data.detail || res.statusText);
  return data;
}

async function refresh(card) {
  const id = card.dataset.id;
  const res = await fetch("/card/" + encodeURIComponent(id));
  if (!res.ok) return card;
  const tpl = document.createElement("template");
  tpl.innerHTML = (await res.text()).trim();
  const fresh = tpl.content.firstElementChild;
  card.replaceWith(fresh);
  return fresh;
}

function noteOf(card) {
  return card.querySelector("input.note").value;
}

async function decide(card, action, changes) {
  showError(card, "");
  try {
    await post("/api/candidates/" + encodeURIComponent(card.dataset.id) + "/decision",
               { action, changes: changes || {}, note: noteOf(card) });
  } catch (err) {
    showError(card, err.message);
    return false;
  }
  undoStack.push(card.dataset.id);
  const i = cards().indexOf(card);
  await refresh(card);
  focusCard(i + 1);
  return true;
}

async function undo(card) {
  const id = undoStack.length ? undoStack.pop() : card && card.dataset.id;
  if (!id) return;
  const target = document.getElementById("card-" + id);
  try {
    await post("/api/candidates/" + encodeURIComponent(id) + "/undo");
  } catch (err) {
    if (target) showError(target, err.message);
    return;
  }
  if (target) {
    const fresh = await refresh(target);
    focusCard(cards().indexOf(fresh));
  }
}

function openForm(card, selector) {
  const form = card.querySelector(selector);
  if (!form) return;
  form.hidden = false;
  const first = form.querySelector("input, select");
  if (first) first.focus();
}

function closeForms(card) {
  card.querySelectorAll("form").forEach((f) => { f.hidden = true; });
  card.focus();
}

function formValues(form) {
  const out = {};
  new FormData(form).forEach((v, k) => { out[k] = v; });
  return out;
}

document.addEventListener("click", (ev) => {
  const btn = ev.target.closest("button[data-act]");
  if (!btn) return;
  const card = btn.closest(".card");
  focusCard(cards().indexOf(card), false);
  const act = btn.dataset.act;
  if (act === "accept" || act === "reject") decide(card, act);
  else if (act === "edit") openForm(card, "form.edit");
  else if (act === "add-event") openForm(card, "form.add-event");
  else if (act === "cancel") closeForms(card);
  else if (act === "undo") { undoStack.length = 0; undo(card); }
});

document.addEventListener("submit", async (ev) => {
  const form = ev.target;
  const card = form.closest(".card");
  if (!card) return;
  ev.preventDefault();
  if (form.classList.contains("edit")) {
    await decide(card, "edit", formValues(form));
  } else if (form.classList.contains("add-event")) {
    const body = formValues(form);
    body.note = noteOf(card);
    if (!body.date) body.date = null;
    try {
      const made = await post("/api/relations/" + encodeURIComponent(card.dataset.id) + "/events", body);
      undoStack.push(made.candidate_id);
      const tpl = document.createElement("template");
      const res = await fetch("/card/" + encodeURIComponent(made.candidate_id));
      tpl.innerHTML = (await res.text()).trim();
      const fresh = await refresh(card);
      fresh.after(tpl.content.firstElementChild);
      focusCard(cards().indexOf(fresh) + 1);
    } catch (err) {
      showError(card, err.message);
    }
  }
});

document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  const typing = t.matches && t.matches("input, textarea, select");
  const card = focused();
  if (typing) {
    if (ev.key === "Escape" && card) { ev.preventDefault(); t.blur(); closeForms(card); }
    return;
  }
  switch (ev.key) {
    case "ArrowDown": case "j": ev.preventDefault(); focusCard(current + 1); break;
    case "ArrowUp": case "k": ev.preventDefault(); focusCard(current - 1); break;
    case "a": if (card) { ev.preventDefault(); decide(card, "accept"); } break;
    case "r": if (card) { ev.preventDefault(); decide(card, "reject"); } break;
    case "e": if (card) { ev.preventDefault(); openForm(card, "form.edit"); } break;
    case "n": if (card) { ev.preventDefault(); card.querySelector("input.note").focus(); } break;
    case "u": ev.preventDefault(); undo(card); break;
    case "Escape": if (card) closeForms(card); break;
    default: break;
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const hash = window.location.hash;
  const list = cards();
  const at = hash ? list.findIndex((c) => "#" + c.id === hash) : -1;
  if (list.length) focusCard(at >= 0 ? at : 0, at >= 0);
});
