// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Filter and language forms submit as soon as a choice changes (their submit buttons stay for no-JS).
  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (field.form) { field.form.submit(); }
    });
  });
  document.querySelectorAll("form[data-autosubmit-form]").forEach(function (form) {
    // Empty fields stay out of the URL, so shared links stay short.
    function tidy() {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.value === "" && field.name) { field.disabled = true; }
      });
    }
    form.addEventListener("submit", tidy);
    form.querySelectorAll("input[type=checkbox], select").forEach(function (field) {
      field.addEventListener("change", function () { tidy(); form.submit(); });
    });
  });
  // Cancel forms ask once in a dialog and then submit as confirmed; without this file the server shows a
  // confirmation page instead.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      var confirmed = form.querySelector("input[name=confirmed]");
      if (confirmed) { confirmed.value = "1"; }
    });
  });
  // One submit per page: a double click sends the form once (the server is idempotent anyway).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      if (button.dataset.sent) { event.preventDefault(); return; }
      button.dataset.sent = "1";
    });
  });
  // Gallery: a thumbnail shows its image in the main slot.
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb) {
      thumb.addEventListener("click", function (event) {
        if (!main) { return; }
        event.preventDefault();
        main.src = thumb.getAttribute("href");
        main.alt = thumb.querySelector("img").alt;
      });
    });
  });
})();
