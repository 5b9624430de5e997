// The usage page's spend-control form: htmx swaps a refused limit's section (422, with the reason) in place, as it
// does a saved one. Without this script the form still works as a plain post.
(function () {
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422 && event.detail.target && event.detail.target.id === "spend-control") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
