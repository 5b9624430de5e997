// Imagegate's small behaviours. Pages work without it; it only saves clicks.
document.addEventListener("change", (event) => {
  // A select marked data-autosubmit submits its form on choice (the workspace switcher: one click).
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});
