// snapdoc: progressive enhancements. Pages read fine without this script.
(() => {
  "use strict";

  // A polite live region: what it says, screen readers announce.
  const announcer = document.createElement("div");
  announcer.className = "visually-hidden";
  announcer.setAttribute("role", "status");
  announcer.setAttribute("aria-live", "polite");
  document.body.appendChild(announcer);
  const announce = (text) => {
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = text; }, 50);
  };

  // copyByCommand copies text through a selected, off-screen textarea:
  // the way that works where navigator.clipboard does not (http:// pages
  // other than localhost, file://, older browsers).
  const copyByCommand = (text) => {
    const focused = document.activeElement;
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.setAttribute("aria-hidden", "true");
    area.tabIndex = -1;
    area.style.cssText = "position:fixed;top:0;left:0;width:1px;height:1px;padding:0;border:0;opacity:0;";
    document.body.appendChild(area);
    area.focus();
    area.select();
    area.setSelectionRange(0, text.length);
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    area.remove();
    if (focused && typeof focused.focus === "function") focused.focus();
    return ok;
  };

  // copyText puts text on the clipboard: with the Clipboard API where the
  // page may use it, else, or when it refuses, through copyByCommand.
  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (err) {
        // Refused (permissions, an unfocused document): try the old way.
      }
    }
    return copyByCommand(text);
  };

  // The code a copy button copies: exactly what its tab panel shows, or
  // its code block without the final line end.
  const codeOf = (button) => {
    const panel = button.closest(".snippet-panel");
    const box = panel || button.closest(".code-block");
    const code = box && (box.querySelector("pre code") || box.querySelector("pre"));
    if (!code) return "";
    // Line numbers are shown, not copied.
    const text = code.querySelector(".ln") ? [...code.querySelectorAll(".cl")].map((l) => l.textContent).join("") : code.textContent;
    return panel ? text : text.replace(/\n$/, "");
  };

  const timers = new WeakMap();
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy, button.snippet-copy");
    if (!button) return;
    const ok = await copyText(codeOf(button));
    const said = ok ? "Copied" : "Copy failed: select the code and copy it";
    button.textContent = ok ? "Copied" : "Copy failed";
    button.classList.toggle("copied", ok);
    announce(said);
    clearTimeout(timers.get(button));
    timers.set(button, setTimeout(() => {
      button.textContent = "Copy";
      button.classList.remove("copied");
    }, 2000));
  });
  document.querySelectorAll("button.copy[hidden]").forEach((b) => { b.hidden = false; });

  // The site navigation folds behind a Menu button on narrow screens.
  const toggle = document.querySelector(".nav-toggle");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (nav) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }
})();
