// Studio: shows what a generation will cost before it is submitted, from the server's price table.
(() => {
  const form = document.getElementById("generate");
  if (!form) return;
  const prices = JSON.parse(form.dataset.prices || "{}");
  const cost = document.getElementById("cost");
  const update = () => {
    const n = Math.max(1, Math.min(10, parseInt(form.elements.n.value, 10) || 1));
    cost.textContent = String((prices[form.elements.size.value] || 0) * n);
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();

// A new task clears the last refusal message.
document.addEventListener("htmx:afterRequest", (event) => {
  const problems = document.getElementById("problems");
  if (problems && event.detail.elt.id === "generate" && !event.detail.xhr.getResponseHeader("HX-Retarget")) {
    problems.textContent = "";
  }
});
