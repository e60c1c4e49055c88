// Storefront enhancements of issue 17; every feature here also works without this file.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 800px)");

  // Filters: a closed drawer on phones, open beside the results on wide screens. A phone shopper who opened
  // it finds it open again after each filter reloads the page, until they close it (this tab only).
  var FILTERS_OPEN = "ocop-filters-open";
  function remembered() {
    try { return window.sessionStorage.getItem(FILTERS_OPEN) === "1"; } catch (e) { return false; }
  }
  document.querySelectorAll("details.filter-panel").forEach(function (panel) {
    if (wide.matches || remembered()) { panel.open = true; }
    panel.addEventListener("toggle", function () {
      if (wide.matches) { return; }
      try { window.sessionStorage.setItem(FILTERS_OPEN, panel.open ? "1" : "0"); } catch (e) { /* private mode */ }
    });
  });

  // Add to cart without leaving the page: the same form, posted with fetch (it carries the CSRF token).
  function setCartCount(count) {
    document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
      badge.setAttribute("data-cart-count", String(count));
      var hidden = badge.querySelectorAll(".visually-hidden");
      badge.textContent = "";
      if (hidden.length === 2) {
        badge.appendChild(hidden[0]);
        badge.appendChild(document.createTextNode(String(count)));
        badge.appendChild(hidden[1]);
      } else {
        badge.textContent = String(count);
      }
      badge.classList.remove("bump");
      void badge.offsetWidth; // restart the animation
      badge.classList.add("bump");
    });
  }

  function say(box, text, isError, link) {
    box.hidden = false;
    box.classList.toggle("error", !!isError);
    box.textContent = text + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.setAttribute("data-view-cart", "");
      a.textContent = box.getAttribute("data-view-cart-label") || "Xem giỏ hàng";
      box.appendChild(a);
    }
  }

  document.querySelectorAll("form[data-cart-add]").forEach(function (form) {
    if (!window.fetch || !window.FormData) { return; }
    var box = form.querySelector("[data-cart-added]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var buttons = document.querySelectorAll('form[data-cart-add] button[type=submit], button[form="' + form.id + '"]');
      buttons.forEach(function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (result.ok && result.data.ok) {
          setCartCount(result.data.cart_count);
          say(box, result.data.message, false, result.data.cart_url);
        } else {
          say(box, (result.data.errors || []).join(" "), true, null);
        }
      }).catch(function () {
        form.submit(); // the network or the server failed: fall back to the plain form post
      }).finally(function () {
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  });

  // "Copy link": copies the address instead of following it when the clipboard is available.
  document.querySelectorAll("[data-copy-link]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!navigator.clipboard) { return; }
      event.preventDefault();
      var status = link.parentNode.querySelector("[data-copied]");
      navigator.clipboard.writeText(link.href).then(function () {
        if (status) { status.textContent = status.getAttribute("data-copied-label") || "Đã sao chép"; }
      }, function () { window.location.href = link.href; });
    });
  });

  // Gallery: thumbnails swap the main picture; the main picture opens a zoom dialog.
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    var zoomLink = gallery.querySelector("[data-gallery-zoom]");
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb, index) {
      if (index === 0) { thumb.setAttribute("aria-current", "true"); }
      thumb.addEventListener("click", function (event) {
        if (!main) { return; }
        event.preventDefault();
        event.stopImmediatePropagation();
        main.removeAttribute("srcset");
        if (thumb.dataset.srcset) { main.srcset = thumb.dataset.srcset; }
        main.src = thumb.getAttribute("href");
        main.alt = thumb.querySelector("img").alt;
        if (zoomLink) { zoomLink.href = thumb.getAttribute("href"); }
        gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (t) { t.removeAttribute("aria-current"); });
        thumb.setAttribute("aria-current", "true");
      }, true);
    });
    if (!zoomLink || typeof HTMLDialogElement !== "function") { return; }
    var dialog = document.createElement("dialog");
    dialog.className = "zoom-dialog";
    dialog.setAttribute("aria-label", zoomLink.getAttribute("aria-label") || "");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "zoom-close";
    close.textContent = "✕";
    close.setAttribute("aria-label", gallery.getAttribute("data-close-label") || "Đóng");
    var stage = document.createElement("div");
    stage.className = "zoom-stage";
    var big = document.createElement("img");
    big.alt = "";
    stage.appendChild(big);
    dialog.appendChild(close);
    dialog.appendChild(stage);
    document.body.appendChild(dialog);
    close.addEventListener("click", function () { dialog.close(); });
    stage.addEventListener("click", function (event) {
      var box = big.getBoundingClientRect();
      var x = Math.max(0, Math.min(100, (event.clientX - box.left) / box.width * 100));
      var y = Math.max(0, Math.min(100, (event.clientY - box.top) / box.height * 100));
      big.style.transformOrigin = x + "% " + y + "%";
      stage.classList.toggle("zoomed");
    });
    zoomLink.addEventListener("click", function (event) {
      event.preventDefault();
      big.src = zoomLink.href;
      big.alt = main ? main.alt : "";
      stage.classList.remove("zoomed");
      dialog.showModal();
    });
  });
})();
