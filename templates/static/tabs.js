// snapdoc: code tabs (WAI-ARIA tabs pattern) with a copy button per tab,
// which site.js makes copy.
//
// Markup, one group per request block; without this script every panel
// shows, each under its label:
//
//   <div class="snippet-tabs">
//     <div class="snippet-panel" data-lang="python" data-label="Python">
//       <p class="snippet-label">Python</p>
//       <pre><code>...</code></pre>
//     </div>
//     ...
//   </div>
//
// The script builds the tab list, hides the labels and the unselected
// panels, and remembers the reader's language in localStorage, applying it
// to every group on every page. No dependencies.
(() => {
  "use strict";
  const KEY = "snapdoc.lang";
  const groups = [];
  let counter = 0;

  const stored = () => {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  };
  const store = (lang) => {
    try {
      localStorage.setItem(KEY, lang);
    } catch {
      // Private browsing: the choice lasts for this page only.
    }
  };

  const addCopyButton = (panel) => {
    const code = panel.querySelector("pre code") || panel.querySelector("pre");
    if (!code) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "snippet-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy ${panel.dataset.label || panel.dataset.lang} code`);
    // site.js copies on click, with its fallbacks, and says "Copied".
    panel.insertBefore(button, panel.firstChild);
  };

  // select shows the tab of lang in group; focus moves keyboard focus too.
  const select = (group, lang, focus) => {
    const tab = group.tabs.find((t) => t.dataset.lang === lang);
    if (!tab) return false;
    group.tabs.forEach((t, i) => {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      group.panels[i].hidden = !on;
    });
    if (focus) tab.focus();
    return true;
  };

  // choose applies the reader's choice to every group that has it.
  const choose = (lang) => {
    store(lang);
    groups.forEach((g) => select(g, lang, false));
  };

  const setUp = (root) => {
    const panels = Array.from(root.querySelectorAll(":scope > .snippet-panel"));
    if (panels.length === 0) return;
    const id = `snippet-${++counter}`;
    const list = document.createElement("div");
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", "Code examples");
    list.className = "snippet-tablist";
    const tabs = panels.map((panel, i) => {
      const lang = panel.dataset.lang || String(i);
      const tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.id = `${id}-tab-${i}`;
      tab.dataset.lang = lang;
      tab.textContent = panel.dataset.label || lang;
      tab.setAttribute("aria-controls", `${id}-panel-${i}`);
      panel.id = `${id}-panel-${i}`;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.querySelectorAll(".snippet-label").forEach((l) => { l.hidden = true; });
      addCopyButton(panel);
      list.appendChild(tab);
      return tab;
    });
    const group = { tabs, panels };
    groups.push(group);
    root.insertBefore(list, root.firstChild);

    list.addEventListener("click", (e) => {
      const tab = e.target.closest("[role=tab]");
      if (tab) choose(tab.dataset.lang);
    });
    list.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      let next;
      switch (e.key) {
        case "ArrowRight": next = (i + 1) % tabs.length; break;
        case "ArrowLeft": next = (i - 1 + tabs.length) % tabs.length; break;
        case "Home": next = 0; break;
        case "End": next = tabs.length - 1; break;
        default: return;
      }
      e.preventDefault();
      choose(tabs[next].dataset.lang);
      tabs[next].focus();
    });

    if (!select(group, stored(), false)) select(group, tabs[0].dataset.lang, false);
  };

  document.querySelectorAll(".snippet-tabs").forEach(setUp);

  // A choice made in another window applies here too.
  window.addEventListener("storage", (e) => {
    if (e.key === KEY && e.newValue) groups.forEach((g) => select(g, e.newValue, false));
  });
})();
