// snapdoc: progressive enhancements. Pages read fine without this script.
(() => {
  "use strict";
  // Copy buttons: each copies exactly the code shown in its block.
  document.querySelectorAll(".code-block").forEach((block) => {
    const button = block.querySelector("button.copy");
    if (!button || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const code = block.querySelector("pre:not([hidden]) code, pre:not([hidden])");
      try {
        await navigator.clipboard.writeText(code ? code.innerText.replace(/\n$/, "") : "");
        button.textContent = "Copied";
        button.classList.add("copied");
      } catch {
        button.textContent = "Copy failed";
      }
      setTimeout(() => { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
    });
  });
})();
