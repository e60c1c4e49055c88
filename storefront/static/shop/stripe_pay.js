// Confirms the order's PaymentIntent with Stripe.js (Payment Element). The server already created the
// intent; the webhook, not this page, marks the order paid.
(function () {
  "use strict";
  function start() {
    var form = document.querySelector("[data-stripe-pay]");
    if (!form) return;
    var status = form.querySelector(".payment-status");
    if (typeof window.Stripe !== "function") {
      status.textContent = status.dataset.unavailable;
      form.querySelector("button[type=submit]").hidden = true;
      return;
    }
    var stripe = window.Stripe(form.dataset.publishableKey);
    var elements = stripe.elements({ clientSecret: form.dataset.clientSecret, locale: "vi" });
    var paymentElement = elements.create("payment");
    paymentElement.mount("#payment-element");
    var button = form.querySelector("button[type=submit]");
    paymentElement.on("ready", function () { button.disabled = false; status.textContent = ""; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
        .then(function (result) {
          if (result.error) { status.textContent = result.error.message; button.disabled = false; }
        });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
