"use strict";
(function () {
  // Each row of #event-data: [seq, time, client, event type, status, summary, payload].
  const DRAWN_AT_ONCE = 1000;
  const FILTERED = { client: 2, type: 3, status: 4 };
  const form = document.getElementById("event-filters");
  const body = document.getElementById("event-table").tBodies[0];
  const rows = JSON.parse(document.getElementById("event-data").textContent);
  const payloads = rows.map(function (row) { return JSON.stringify(row[6]); });
  const selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  const text = document.getElementById("event-text");
  const count = document.getElementById("event-count");
  const limitNote = document.getElementById("event-limit");
  let haystacks = null;
  let drawAll = false;

  function cell(tr, value, className) {
    const td = tr.insertCell();
    td.textContent = value;
    if (className) {
      td.className = className;
    }
  }

  function draw(index) {
    const row = rows[index];
    const tr = document.createElement("tr");
    cell(tr, row[0], "num");
    cell(tr, row[1]);
    cell(tr, row[2]);
    cell(tr, row[3]);
    cell(tr, row[4], "stage-" + String(row[4]).toLowerCase() + "-text");
    cell(tr, row[5]);
    cell(tr, payloads[index], "payload");
    return tr;
  }

  function matching() {
    const wanted = selects.filter(function (select) { return select.value !== ""; });
    const needle = text.value.trim().toLowerCase();
    if (needle && haystacks === null) {
      haystacks = rows.map(function (row, index) {
        return [row[0], row[1], row[2], row[3], row[4], row[5], payloads[index]].join(" ").toLowerCase();
      });
    }
    const found = [];
    rows.forEach(function (row, index) {
      const kept = wanted.every(function (select) { return row[FILTERED[select.dataset.filter]] === select.value; })
        && (!needle || haystacks[index].indexOf(needle) !== -1);
      if (kept) {
        found.push(index);
      }
    });
    return found;
  }

  function apply() {
    const found = matching();
    const shown = drawAll ? found : found.slice(0, DRAWN_AT_ONCE);
    const fragment = document.createDocumentFragment();
    shown.forEach(function (index) { fragment.appendChild(draw(index)); });
    body.replaceChildren(fragment);
    count.textContent = found.length + " of " + rows.length + " events";
    limitNote.hidden = shown.length === found.length;
    document.getElementById("event-limit-count").textContent = String(shown.length);
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  document.getElementById("event-show-all").addEventListener("click", function () {
    drawAll = true;
    apply();
  });
  body.addEventListener("click", function (event) {
    const target = event.target.closest("td.payload");
    if (target) {
      target.classList.toggle("open");
    }
  });
  apply();
})();
