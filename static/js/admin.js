// Optional help on the editors' pages: a live count of the summary's characters, a
// preview of the article's address, and a warning before leaving a form with unsaved
// changes. Every form works fully without it.
(function () {
  "use strict";

  // ---- Summary length: count as you type; announce only when a limit is crossed.
  var summary = document.getElementById("summary");
  var count = document.getElementById("summary-count");
  var live = document.getElementById("summary-live");
  if (summary && count) {
    var aim = parseInt(count.getAttribute("data-aim"), 10) || 160;
    var max = parseInt(count.getAttribute("data-max"), 10) || 300;
    var band = null;
    var showCount = function () {
      var n = Array.from(summary.value.trim()).length;
      var now = n > max ? "over" : n > aim ? "long" : "ok";
      var text = n + (n === 1 ? " character" : " characters");
      if (now === "long") {
        text += ": longer than search results show";
      } else if (now === "over") {
        text += ": too long, at most " + max;
      }
      count.textContent = text;
      count.setAttribute("data-band", now);
      if (live && band !== null && now !== band) {
        live.textContent = text;
      }
      band = now;
    };
    summary.addEventListener("input", showCount);
    showCount();
  }

  // ---- The address: the typed slug, or the one the server makes from the title.
  // Mirrors Slug::from_text (src/domain/slug.rs); the server's result is what counts.
  var PIECES = {
    "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
    "é": "e", "è": "e", "ê": "e", "á": "a", "à": "a", "â": "a",
    "ó": "o", "ò": "o", "ô": "o", "+": "plus", "#": "sharp"
  };
  var slugify = function (text) {
    var out = "";
    var pendingHyphen = false;
    Array.from(text.toLowerCase()).forEach(function (ch) {
      var piece = PIECES[ch];
      if (piece) {
        if (pendingHyphen && out && ch !== "+" && ch !== "#") {
          out += "-";
        }
        pendingHyphen = false;
        out += piece;
      } else if (/^[a-z0-9]$/.test(ch)) {
        if (pendingHyphen && out) {
          out += "-";
        }
        pendingHyphen = false;
        out += ch;
      } else {
        pendingHyphen = true;
      }
    });
    return out.slice(0, 120).replace(/-+$/, "");
  };
  var title = document.getElementById("title");
  var slug = document.getElementById("slug");
  var slugPreview = document.getElementById("slug-preview");
  if (title && slug && slugPreview) {
    var showSlug = function () {
      var typed = slug.value.trim();
      slugPreview.textContent = typed || slugify(title.value) || "…";
    };
    title.addEventListener("input", showSlug);
    slug.addEventListener("input", showSlug);
  }

  // ---- Leaving with unsaved changes asks first. A form that came back refused, as a
  // preview or after a conflict holds unsaved text from the start.
  var form = document.querySelector("form[data-unsaved-warning]");
  if (form) {
    var dirty = form.getAttribute("data-unsaved") === "true";
    var markDirty = function () {
      dirty = true;
    };
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function () {
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
})();
