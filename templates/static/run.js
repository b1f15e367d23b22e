// snapdoc serve only: the Run and "Update snapshot" buttons of examples.
// Run executes the block again through the runner's cache and shows the
// new output in place; "Update snapshot" also records it, and the page
// reloads once the preview has rebuilt.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-run]");
  if (!button) return;
  const example = button.closest(".example");
  const status = example.querySelector(".run-status");
  const record = button.dataset.run === "record";
  const buttons = example.querySelectorAll("button[data-run]");
  buttons.forEach((b) => (b.disabled = true));
  status.textContent = "Running…";
  try {
    const response = await fetch("/_snapdoc/run", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ file: example.dataset.file, block: example.dataset.block, hash: example.dataset.hash, record }),
    });
    const text = await response.text();
    if (!response.ok) {
      status.textContent = "Failed: " + text.trim();
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = text; // rendered and escaped by the server's theme
    example.querySelector(".output").replaceWith(template.content);
    status.textContent = (record ? "Snapshot updated at " : "Ran at ") + new Date().toLocaleTimeString();
  } catch (err) {
    status.textContent = "Failed: " + err;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
});
