// The billing page's htmx forms: the low-balance alert's section (a refused threshold: 422, with the reason) and the
// promo code's (refused: 422 or 429, with the reason) are swapped in place, as a success is. Without this script the
// forms still work as plain posts.
(function () {
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target && event.detail.target.id;
    if ((status === 422 && target === "balance-alert")
        || ((status === 422 || status === 429) && target === "promo-code")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
