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

// Live task cards (README, "Live task cards"): an open card listens to its task's events
// (GET /app/studio/tasks/{id}/events, Server-Sent Events through a plain EventSource) and shows its place in the
// queue, the time it has been rendering and its previews; at the end it swaps in the final card. The card's own
// htmx polling is the fallback: it runs whenever a card has no stream (no EventSource, too many streams open, or the
// stream failed), so a card never looks frozen.
(() => {
  if (!window.EventSource || !window.htmx) return;
  const MAX_STREAMS = 4; // browsers allow about six connections per host over HTTP/1.1; leave room for the page
  const streams = new Map(); // task id -> EventSource
  const polling = new Set(); // tasks whose stream failed: they poll from now on
  const taskId = (card) => card.id.slice("task-".length);
  const text = (card, value) => {
    const live = card.querySelector("[data-live-text]");
    if (live) live.textContent = value;
  };
  const setStatus = (card, status) => {
    card.dataset.status = status;
    const badge = card.querySelector(".task-status .badge");
    if (badge) badge.textContent = status;
  };
  const stopTicker = (card) => {
    if (card._ticker) clearInterval(card._ticker);
    card._ticker = null;
  };
  const current = (id) => document.getElementById("task-" + id);
  const refresh = (id) => {
    const card = current(id);
    if (card) htmx.ajax("GET", "/app/studio/tasks/" + id, { target: card, swap: "outerHTML" });
  };
  const end = (id, fallBack) => {
    const source = streams.get(id);
    if (source) source.close();
    streams.delete(id);
    if (fallBack) polling.add(id);
    const card = current(id);
    if (card) {
      stopTicker(card);
      delete card.dataset.live;
    }
    refresh(id);
  };
  const attach = (card) => {
    const id = taskId(card);
    if (!card.hasAttribute("hx-get") || streams.has(id) || polling.has(id) || streams.size >= MAX_STREAMS) return;
    card.dataset.live = "on";
    const source = new EventSource("/app/studio/tasks/" + id + "/events");
    streams.set(id, source);
    const on = (name, handle) =>
      source.addEventListener(name, (event) => {
        const target = current(id);
        if (target) handle(target, JSON.parse(event.data));
      });
    const queued = (card, data) => {
      if (data.position == null) return;
      text(card, "Queued, position " + data.position
        + (data.eta_seconds != null ? " (about " + data.eta_seconds + " s)" : ""));
    };
    on("status", (card, data) => {
      setStatus(card, data.status);
      if (data.status === "pending") {
        queued(card, data);
      } else if (data.status === "processing" && data.started_at != null) {
        stopTicker(card);
        const tick = () => {
          const seconds = Math.max(0, Math.round(Date.now() / 1000 - data.started_at));
          text(card, "Rendering… " + seconds + " s");
        };
        tick();
        card._ticker = setInterval(tick, 1000);
      }
    });
    on("queue", queued);
    on("partial_image", (card, data) => {
      const previews = card.querySelector("[data-previews]");
      if (!previews) return;
      let img = previews.querySelector("img");
      if (!img) {
        img = document.createElement("img");
        img.className = "task-preview";
        img.alt = "Preview";
        previews.appendChild(img);
      }
      img.dataset.index = String(data.index);
      img.src = data.url;
    });
    ["completed", "failed", "canceled"].forEach((name) => on(name, () => end(id, false)));
    // Any error (the stream refused, cut, or the server gone): poll instead, from the card as it is now.
    source.onerror = () => end(id, true);
  };
  // While a card has a stream, its polling request is not sent.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("task-card") && elt.dataset.live === "on") {
      event.preventDefault();
    }
  });
  const scan = (root) => {
    if (root.classList && root.classList.contains("task-card")) attach(root);
    if (root.querySelectorAll) root.querySelectorAll(".task-card[hx-get]").forEach(attach);
  };
  document.addEventListener("htmx:load", (event) => scan(event.detail.elt));
  scan(document);
})();
