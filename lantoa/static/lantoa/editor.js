/* Lan Tỏa: the content editor. Quill 2 (static/vendor/quill) takes over the body textarea of
   the content form when JavaScript runs: the textarea is hidden but stays the form field, and
   every change writes the editor's HTML back into it (and fires "input", so the HTMX preview
   follows). Without JavaScript the textarea is used as it is. The server sanitises the HTML
   whatever writes it (lantoa/content/sanitize.py).

   Only the structure the sanitiser keeps can be made here: paragraphs, h2/h3, bold, italic,
   lists, quotes, links and images from the unit's media library (a paste from Word or Zalo is
   turned into those by Quill's clipboard; fonts, colours and sizes are dropped). */
(function () {
  "use strict";

  var FORMATS = ["header", "bold", "italic", "link", "list", "blockquote", "image"];
  var BLOCK = /<(p|div|h[1-6]|ul|ol|li|blockquote|br|img)[\s/>]/i;

  function html(quill) {
    if (quill.getLength() <= 1) { return ""; }  // an empty editor holds one newline
    // Quill writes every space as &nbsp; in its semantic HTML; lines must wrap on the site.
    return quill.getSemanticHTML().replace(/&nbsp;/g, " ");
  }

  function start(box) {
    var textarea = document.getElementById(box.getAttribute("data-target"));
    if (!textarea || box.getAttribute("data-started") || typeof window.Quill !== "function") {
      return;
    }
    box.setAttribute("data-started", "1");
    var picker = box.querySelector(".rte-images");
    var imageButton = box.querySelector(".rte-toolbar .ql-image");
    var quill = new window.Quill(box.querySelector(".rte-area"), {
      theme: "snow",
      formats: FORMATS,
      placeholder: box.getAttribute("data-placeholder") || "",
      modules: {
        toolbar: {
          container: box.querySelector(".rte-toolbar"),
          handlers: {
            image: function () {
              picker.hidden = !picker.hidden;
              imageButton.setAttribute("aria-expanded", String(!picker.hidden));
            }
          }
        }
      }
    });
    var tooltipInput = box.querySelector(".ql-tooltip input");
    if (tooltipInput) { tooltipInput.setAttribute("data-link", "https://"); }

    var initial = textarea.value;
    if (initial.trim()) {
      if (BLOCK.test(initial)) {
        // Our own sanitised body (or what this officer just sent back with a form error).
        quill.clipboard.dangerouslyPasteHTML(initial, "silent");
      } else {
        // Plain text: a blank line between paragraphs, as the server reads it.
        quill.setText(initial.replace(/\r\n?/g, "\n").replace(/\n[ \t]*\n+/g, "\n"), "silent");
      }
    }
    quill.on("text-change", function () {
      textarea.value = html(quill);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });

    box.addEventListener("click", function (e) {
      var pick = e.target.closest(".rte-image-pick");
      if (!pick) { return; }
      var range = quill.getSelection(true);
      quill.insertEmbed(range.index, "image", pick.getAttribute("data-src"), "user");
      quill.setSelection(range.index + 1, 0, "silent");
      picker.hidden = true;
      imageButton.setAttribute("aria-expanded", "false");
    });

    // The editor's label points at the hidden textarea: send a click on it to the editor.
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");
    if (label) {
      quill.root.setAttribute("aria-label", label.textContent.trim());
      label.addEventListener("click", function (e) { e.preventDefault(); quill.focus(); });
    }
    textarea.hidden = true;
    box.hidden = false;
    var help = textarea.parentNode.querySelector(".rte-nojs-help");
    if (help) { help.hidden = true; }
  }

  function startAll() {
    document.querySelectorAll(".rte-editor[data-target]").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
