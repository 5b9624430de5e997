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

  // Reference images: drop files on the zone (several drops add up), see them listed, remove any.
  const input = document.getElementById("references");
  const zone = document.getElementById("dropzone");
  const list = document.getElementById("reference-list");
  let chosen = new DataTransfer();
  const renderFiles = () => {
    list.querySelectorAll("[data-file]").forEach((li) => li.remove());
    Array.from(chosen.files).forEach((file, i) => {
      const li = document.createElement("li");
      li.className = "reference-chip";
      li.dataset.file = String(i);
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = "";
      const name = document.createElement("span");
      name.textContent = file.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove " + file.name);
      remove.addEventListener("click", () => {
        const next = new DataTransfer();
        Array.from(chosen.files).forEach((f, j) => j !== i && next.items.add(f));
        chosen = next;
        input.files = chosen.files;
        renderFiles();
      });
      li.append(img, name, remove);
      list.append(li);
    });
  };
  const add = (files) => {
    Array.from(files).filter((f) => /^image\/(png|jpeg|webp)$/.test(f.type)).forEach((f) => chosen.items.add(f));
    input.files = chosen.files;
    renderFiles();
  };
  input.addEventListener("change", () => {
    const picked = Array.from(input.files);
    chosen = new DataTransfer();
    add(picked);
  });
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault();
    zone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("dragging")));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    add(e.dataTransfer.files);
  });

  // "Use as reference" on a result: adds it to the form instead of following the link (which works without JS).
  document.addEventListener("click", (e) => {
    const use = e.target.closest("[data-use-reference]");
    if (use) {
      e.preventDefault();
      const value = use.dataset.useReference;
      if (!list.querySelector(`input[name=reference_result][value="${CSS.escape(value)}"]`)) {
        const li = document.createElement("li");
        li.className = "reference-chip";
        const hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "reference_result";
        hidden.value = value;
        const img = use.closest("figure")?.querySelector("img")?.cloneNode();
        const label = document.createElement("span");
        label.textContent = "Result";
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link-button";
        remove.dataset.removeReference = "";
        remove.textContent = "Remove";
        li.append(hidden);
        if (img) li.append(img);
        li.append(label, remove);
        list.append(li);
      }
      document.getElementById("prompt").focus();
      return;
    }
    if (e.target.matches("[data-remove-reference]")) {
      e.target.closest("li").remove();
      return;
    }
    const copy = e.target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.dataset.copy).then(() => {
        const label = copy.textContent;
        copy.textContent = "Copied";
        setTimeout(() => (copy.textContent = label), 1500);
      });
    }
  });
})();

// A new task clears the last refusal message.
document.addEventListener("htmx:afterRequest", (event) => {
  const problems = document.getElementById("problems");
  if (problems && event.detail.elt.id === "generate" && !event.detail.xhr.getResponseHeader("HX-Retarget")) {
    problems.textContent = "";
  }
});
