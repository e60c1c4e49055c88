// A small rich-text editor for descriptions (portal products, content pages in the admin): bold, italic,
// lists, a sub-heading, links and the product's own images. Progressive enhancement of a <textarea
// data-richtext>: without this file the textarea stays and takes the same simple HTML. Runs under the CSP
// (no inline script or style; no style attributes are produced). The server sanitises whatever arrives
// (marketplace/core/html.py); the cleaning here only keeps the editor showing what will be stored.
(function () {
  "use strict";
  var KEEP = { P: 1, BR: 1, STRONG: 1, EM: 1, B: 1, I: 1, U: 1, UL: 1, OL: 1, LI: 1, H2: 1, H3: 1, H4: 1,
    BLOCKQUOTE: 1, A: 1, IMG: 1 };
  var DROP = { SCRIPT: 1, STYLE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, TEMPLATE: 1, SVG: 1, MATH: 1 };
  var RENAME = { B: "STRONG", I: "EM" };
  var EMPTY_DROPS = { P: 1, STRONG: 1, EM: 1, U: 1, A: 1, LI: 1, UL: 1, OL: 1, H2: 1, H3: 1, H4: 1 };
  var SAFE_LINK = /^(https?:\/\/|mailto:|tel:|\/(?!\/))/i;

  function clean(parent, mediaPrefix) {
    Array.prototype.slice.call(parent.childNodes).forEach(function (node) {
      if (node.nodeType === 3) { return; }
      if (node.nodeType !== 1) { node.remove(); return; }
      var tag = node.tagName.toUpperCase();
      if (DROP[tag]) { node.remove(); return; }
      clean(node, mediaPrefix);
      if (tag === "DIV") { // Chromium makes a <div> per line in some cases: store paragraphs.
        var p = document.createElement("p");
        while (node.firstChild) { p.appendChild(node.firstChild); }
        node.replaceWith(p);
        return;
      }
      if (!KEEP[tag]) { node.replaceWith.apply(node, Array.prototype.slice.call(node.childNodes)); return; }
      if (RENAME[tag]) { // <b>/<i> from the browser's commands stored as <strong>/<em>
        var renamed = document.createElement(RENAME[tag]);
        while (node.firstChild) { renamed.appendChild(node.firstChild); }
        node.replaceWith(renamed);
        node = renamed;
        tag = RENAME[tag];
      }
      if (EMPTY_DROPS[tag] && !node.textContent.trim() && !node.querySelector("img")) { node.remove(); return; }
      Array.prototype.slice.call(node.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        var ok = (tag === "A" && name === "href" && SAFE_LINK.test(attr.value)) ||
          (tag === "IMG" && name === "alt") ||
          (tag === "IMG" && name === "src" && attr.value.indexOf(mediaPrefix) === 0);
        if (!ok) { node.removeAttribute(attr.name); }
      });
      if (tag === "IMG" && !node.getAttribute("src")) { node.remove(); }
    });
  }

  function parse(html, mediaPrefix) {
    var template = document.createElement("template"); // inert: nothing runs or loads while cleaning
    template.innerHTML = html;
    clean(template.content, mediaPrefix);
    return template;
  }

  function setUp(textarea) {
    var labels = JSON.parse(textarea.getAttribute("data-richtext-labels") || "{}");
    var images = JSON.parse(textarea.getAttribute("data-richtext-images") || "[]");
    var mediaPrefix = textarea.getAttribute("data-richtext-media") || "/media/";
    var wrapper = document.createElement("div");
    wrapper.className = "richtext";
    var toolbar = document.createElement("div");
    toolbar.className = "richtext-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", labels.toolbar || "Định dạng");
    var editor = document.createElement("div");
    editor.className = "richtext-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("data-richtext-editor", "");
    var label = textarea.id ? document.querySelector("label[for='" + textarea.id + "']") : null;
    if (label) {
      if (!label.id) { label.id = textarea.id + "-label"; }
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    editor.appendChild(parse(textarea.value, mediaPrefix).content);

    var saved = null;
    function remember() {
      var selection = window.getSelection();
      if (selection.rangeCount && editor.contains(selection.anchorNode)) { saved = selection.getRangeAt(0); }
    }
    function restore() {
      editor.focus();
      if (saved) {
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(saved);
      }
    }
    function sync() { textarea.value = parse(editor.innerHTML, mediaPrefix).innerHTML; }
    function run(command, value) {
      restore();
      document.execCommand("styleWithCSS", false, false);
      document.execCommand(command, false, value === undefined ? null : value);
      remember();
      sync();
    }

    function insertNode(node) { // DOM insertion, not insertHTML: Chromium adds style attributes there
      restore();
      var selection = window.getSelection();
      if (!selection.rangeCount) { editor.appendChild(node); sync(); return; }
      var range = selection.getRangeAt(0);
      range.deleteContents();
      range.insertNode(node);
      range.setStartAfter(node);
      range.collapse(true);
      selection.removeAllRanges();
      selection.addRange(range);
      remember();
      sync();
    }

    function button(name, text, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("data-richtext-command", name);
      b.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
      b.addEventListener("click", action);
      toolbar.appendChild(b);
      return b;
    }
    button("bold", labels.bold || "In đậm", function () { run("bold"); });
    button("italic", labels.italic || "Nghiêng", function () { run("italic"); });
    button("heading", labels.heading || "Tiêu đề nhỏ", function () { run("formatBlock", "h3"); });
    button("paragraph", labels.paragraph || "Đoạn thường", function () { run("formatBlock", "p"); });
    button("bullets", labels.bullets || "Danh sách", function () { run("insertUnorderedList"); });
    button("numbers", labels.numbers || "Danh sách số", function () { run("insertOrderedList"); });
    button("link", labels.link || "Liên kết", function () {
      remember();
      var url = window.prompt(labels.linkPrompt || "Địa chỉ liên kết (https://…)", "https://");
      if (!url) { return; }
      url = url.trim();
      if (!SAFE_LINK.test(url)) { window.alert(labels.linkInvalid || "Liên kết phải bắt đầu bằng https://"); return; }
      if (saved && !saved.collapsed) { run("createLink", url); return; }
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      insertNode(link);
    });
    button("unlink", labels.unlink || "Bỏ liên kết", function () { run("unlink"); });
    if (images.length) {
      var chooser = document.createElement("select");
      chooser.setAttribute("aria-label", labels.image || "Chèn ảnh");
      chooser.setAttribute("data-richtext-image-choice", "");
      var first = document.createElement("option");
      first.value = "";
      first.textContent = labels.image || "Chèn ảnh…";
      chooser.appendChild(first);
      images.forEach(function (image, index) {
        var option = document.createElement("option");
        option.value = String(index);
        option.textContent = image.alt || ((labels.imageN || "Ảnh") + " " + (index + 1));
        chooser.appendChild(option);
      });
      chooser.addEventListener("focus", remember);
      chooser.addEventListener("change", function () {
        var image = images[Number(chooser.value)];
        chooser.value = "";
        if (!image) { return; }
        var img = document.createElement("img");
        img.src = image.url;
        img.alt = image.alt || "";
        insertNode(img);
      });
      toolbar.appendChild(chooser);
    }
    button("undo", labels.undo || "Hoàn tác", function () { run("undo"); });

    editor.addEventListener("input", sync);
    editor.addEventListener("keyup", remember);
    editor.addEventListener("mouseup", remember);
    editor.addEventListener("blur", remember);
    editor.addEventListener("focus", function () { document.execCommand("defaultParagraphSeparator", false, "p"); });
    editor.addEventListener("paste", function (event) { // pasted text arrives as text, never foreign markup
      var text = (event.clipboardData || window.clipboardData).getData("text/plain");
      event.preventDefault();
      document.execCommand("insertText", false, text);
    });
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }

    wrapper.appendChild(toolbar);
    wrapper.appendChild(editor);
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.hidden = true;
    textarea.setAttribute("data-richtext-ready", "");
  }

  document.querySelectorAll("textarea[data-richtext]").forEach(setUp);
})();
