// The billing page's low-balance alert form: htmx swaps a refused threshold's section (422, with the reason) in place,
// as it does a saved one. Without this script the form still works as a plain post.
(function () {
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422 && event.detail.target && event.detail.target.id === "balance-alert") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
