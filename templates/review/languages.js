"use strict";
(function () {
  // The language switch: one language's email, posts, cards and counts at a time.
  // Without this script every language is shown, one after the other.
  var KEY = "mindreel.review.lang";
  var switcher = document.getElementById("langs");
  if (!switcher) { return; }
  var inputs = switcher.querySelectorAll("input[name='review-lang']");

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (error) { return null; }
  }

  function store(code) {
    try { window.localStorage.setItem(KEY, code); } catch (error) { /* not remembered */ }
  }

  function known(code) {
    return Array.prototype.some.call(inputs, function (input) { return input.value === code; });
  }

  function show(code) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-lang]"), function (part) {
      part.hidden = part.getAttribute("data-lang") !== code;
    });
    Array.prototype.forEach.call(inputs, function (input) { input.checked = input.value === code; });
  }

  // A link to a post in the other language (a shared URL, say) shows that language.
  function targetOf(hash) {
    if (!hash || hash.length < 2) { return null; }
    try { return document.getElementById(decodeURIComponent(hash.slice(1))); } catch (error) { return null; }
  }

  function languageOf(target) {
    var part = target && target.closest("[data-lang]");
    return part ? part.getAttribute("data-lang") : null;
  }

  switcher.hidden = false;
  document.documentElement.classList.add("switched");
  var target = targetOf(window.location.hash);
  var first = languageOf(target) || stored();
  show(known(first) ? first : inputs[0].value);
  if (target && languageOf(target)) { target.scrollIntoView(); }

  switcher.addEventListener("change", function (event) {
    var code = event.target.value;
    show(code);
    store(code);
  });
  window.addEventListener("hashchange", function () {
    var found = targetOf(window.location.hash);
    var code = languageOf(found);
    if (code && found.closest("[hidden]")) {
      show(code);
      found.scrollIntoView();
    }
  });
}());
