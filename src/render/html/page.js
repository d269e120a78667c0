// gouji HTML report: filters by category and rule, j/k (n/p) to move between
// findings. No network, no storage. When everything is set up, a hidden
// #gouji-ready element is added (the browser test looks for it).
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.finding[data-n]"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter-cat]"));
  var ruleSel = document.getElementById("rule-filter");
  var shown = document.getElementById("shown");
  var byN = {};
  cards.forEach(function (c) { byN[c.getAttribute("data-n")] = c; });
  var refs = Array.prototype.slice.call(document.querySelectorAll("a.ref[data-f]"));
  var current = null;

  function apply() {
    var cats = {};
    boxes.forEach(function (b) { cats[b.getAttribute("data-filter-cat")] = b.checked; });
    var rule = ruleSel ? ruleSel.value : "";
    var n = 0;
    cards.forEach(function (c) {
      var on = cats[c.getAttribute("data-cat")] !== false &&
        (rule === "" || c.getAttribute("data-rule") === rule);
      c.hidden = !on;
      if (on) { n += 1; }
    });
    refs.forEach(function (r) {
      var c = byN[r.getAttribute("data-f")];
      r.classList.toggle("off", !c || c.hidden);
    });
    if (shown) { shown.textContent = String(n); }
    return n;
  }

  function select(card) {
    if (current) { current.classList.remove("current"); }
    current = card;
    card.classList.add("current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "start" });
  }

  function go(step) {
    var visible = cards.filter(function (c) { return !c.hidden; });
    if (visible.length === 0) { return; }
    var i = current ? visible.indexOf(current) : -1;
    if (i < 0) {
      i = step > 0 ? 0 : visible.length - 1;
    } else {
      i = Math.min(visible.length - 1, Math.max(0, i + step));
    }
    select(visible[i]);
  }

  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  if (ruleSel) { ruleSel.addEventListener("change", apply); }
  Array.prototype.slice.call(document.querySelectorAll("button.rule[data-rule]")).forEach(function (b) {
    b.addEventListener("click", function () {
      if (ruleSel) { ruleSel.value = b.getAttribute("data-rule"); }
      apply();
      go(1);
    });
  });
  var next = document.getElementById("next");
  var prev = document.getElementById("prev");
  if (next) { next.addEventListener("click", function () { go(1); }); }
  if (prev) { prev.addEventListener("click", function () { go(-1); }); }
  cards.forEach(function (c) {
    c.addEventListener("click", function () { if (current !== c) { if (current) { current.classList.remove("current"); } current = c; c.classList.add("current"); } });
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target && e.target.tagName;
    if (e.ctrlKey || e.metaKey || e.altKey || t === "INPUT" || t === "SELECT" || t === "TEXTAREA") { return; }
    if (e.key === "j" || e.key === "n") { go(1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "p") { go(-1); e.preventDefault(); }
  });

  var n = apply();
  var root = document.documentElement;
  var ready = document.createElement("div");
  ready.id = "gouji-ready";
  ready.hidden = true;
  ready.setAttribute("data-findings", String(cards.length));
  ready.setAttribute("data-shown", String(n));
  ready.setAttribute("data-width", String(root.clientWidth));
  ready.setAttribute("data-overflow", root.scrollWidth > root.clientWidth ? "1" : "0");
  document.body.appendChild(ready);
})();
