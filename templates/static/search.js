// snapdoc: client-side search over search.json, shown only with JavaScript.
(() => {
  "use strict";
  const box = document.querySelector("search.search");
  const input = document.getElementById("q");
  const results = document.getElementById("search-results");
  if (!box || !input || !results) return;
  box.hidden = false;
  let index = null;
  const load = () => index ??= fetch(input.dataset.index).then((r) => r.json());
  const text = (e) => [e.title, e.description, e.category, ...(e.tags || []), ...(e.headings || [])].join(" ").toLowerCase();
  const render = (hits) => {
    results.replaceChildren(...hits.map((e) => {
      const li = document.createElement("li");
      li.className = "card";
      const h = document.createElement("h3");
      const a = document.createElement("a");
      a.href = e.url;
      a.textContent = e.title;
      h.append(a);
      const p = document.createElement("p");
      p.textContent = e.description || "";
      li.append(h, p);
      return li;
    }));
  };
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", async () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) { render([]); return; }
    const entries = await load();
    render(entries.filter((e) => { const t = text(e); return words.every((w) => t.includes(w)); }).slice(0, 20));
  });
})();
