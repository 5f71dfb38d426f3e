"use strict";
(function () {
  var status = document.getElementById("status");
  var statusTimer = 0;
  var originals = new WeakMap();
  var DARK = /\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi;
  var LIGHT = /\(\s*prefers-color-scheme\s*:\s*light\s*\)/gi;
  var SCHEME = /prefers-color-scheme/i;
  var ALWAYS = "(min-width: 0px)";
  var NEVER = "(max-width: 0px)";

  function announce(message) {
    window.clearTimeout(statusTimer);
    status.textContent = message;
    statusTimer = window.setTimeout(function () { status.textContent = ""; }, 2500);
  }

  // file:// pages may not use the async clipboard: a hidden, selected textarea does.
  function legacyCopy(text) {
    var focused = document.activeElement;
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.setAttribute("aria-hidden", "true");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    document.body.removeChild(area);
    if (focused && typeof focused.focus === "function") { focused.focus(); }
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return legacyCopy(text); }
      );
    }
    return Promise.resolve(legacyCopy(text));
  }

  function resetButton(button) {
    button.removeAttribute("data-state");
    button.querySelector(".label").textContent = "Copy";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    copyText(source.textContent).then(function (ok) {
      var name = button.getAttribute("aria-label").replace(/^Copy /, "");
      button.setAttribute("data-state", ok ? "done" : "failed");
      button.querySelector(".label").textContent = ok ? "Copied" : "Copy failed";
      announce(ok ? "Copied: " + name : "Could not copy " + name + "; select the text and copy it by hand.");
      window.setTimeout(function () { resetButton(button); }, 2500);
    });
  });

  // Same-origin frames (served over http) get their colour-scheme media queries
  // rewritten, so the email's own dark styles apply; file:// frames are out of reach.
  function rewriteRules(rules, dark) {
    var count = 0;
    for (var i = 0; i < rules.length; i += 1) {
      var rule = rules[i];
      if (rule.media && rule.media.mediaText !== undefined) {
        if (!originals.has(rule)) { originals.set(rule, rule.media.mediaText); }
        var text = originals.get(rule);
        if (SCHEME.test(text)) {
          rule.media.mediaText = text.replace(DARK, dark ? ALWAYS : NEVER).replace(LIGHT, dark ? NEVER : ALWAYS);
          count += 1;
        }
      }
      if (rule.cssRules) { count += rewriteRules(rule.cssRules, dark); }
    }
    return count;
  }

  function frameDocument(frame) {
    try { return frame.contentDocument; } catch (error) { return null; }
  }

  function applyScheme(viewer) {
    var frame = viewer.querySelector("iframe");
    var dark = viewer.classList.contains("dark");
    var doc = frameDocument(frame);
    var reachable = Boolean(doc && doc.documentElement);
    if (reachable) {
      for (var i = 0; i < doc.styleSheets.length; i += 1) {
        var rules = null;
        try { rules = doc.styleSheets[i].cssRules; } catch (error) { rules = null; }
        if (rules) { rewriteRules(rules, dark); }
      }
    }
    document.getElementById(viewer.id + "-emulated").hidden = !(dark && reachable);
    document.getElementById(viewer.id + "-approximate").hidden = !(dark && !reachable);
  }

  function setView(input) {
    var viewer = document.getElementById(input.getAttribute("data-viewer"));
    if (!viewer) { return; }
    if (input.value === "375" || input.value === "600") {
      viewer.classList.toggle("w375", input.value === "375");
      viewer.classList.toggle("w600", input.value === "600");
    } else {
      viewer.classList.toggle("dark", input.value === "dark");
      viewer.classList.toggle("light", input.value === "light");
      applyScheme(viewer);
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=radio][data-viewer]")) { setView(input); }
  });

  // A jump link to a closed edition opens it (and every section around its target).
  function reveal(hash) {
    if (!hash || hash.length < 2) { return; }
    var target = null;
    try { target = document.getElementById(decodeURIComponent(hash.slice(1))); } catch (error) { target = null; }
    var node = target;
    while (node) {
      if (node.tagName === "DETAILS") { node.open = true; }
      node = node.parentElement;
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (link) { reveal(link.getAttribute("href")); }
  });
  window.addEventListener("hashchange", function () { reveal(window.location.hash); });
  reveal(window.location.hash);

  var viewers = document.querySelectorAll(".viewer");
  Array.prototype.forEach.call(viewers, function (viewer) {
    var frame = viewer.querySelector("iframe");
    frame.addEventListener("load", function () { applyScheme(viewer); });
    // On a phone-sized screen the email starts at 375 px, the width it will be read at.
    if (window.innerWidth < 700) {
      var narrow = document.querySelector("input[data-viewer='" + viewer.id + "'][value='375']");
      if (narrow) { narrow.checked = true; }
    }
    // Browsers may restore checked radios on reload: show what they say.
    var checked = document.querySelectorAll("input[data-viewer='" + viewer.id + "']:checked");
    Array.prototype.forEach.call(checked, setView);
  });
}());
