// snapdoc: full-text search over the index in search/ (see generator/search).
// A query fetches meta.json once, the shards of its terms, and the fragments
// of the results it shows. Shown only where the browser can gunzip.
(() => {
  "use strict";
  const box = document.querySelector("search.site-search");
  if (!box || typeof DecompressionStream !== "function") return;
  const input = box.querySelector("input");
  const panel = box.querySelector(".site-search-panel");
  const status = box.querySelector("[role=status]");
  const list = box.querySelector("ul");
  const more = box.querySelector(".site-search-more");
  const base = box.dataset.index;
  const PAGE = 5, K1 = 1.2;
  box.hidden = false;

  // The tokenizer: the same rules as generator/search/tokenize.go.
  const WORD = /[\p{L}\p{Nd}\p{Mn}\p{Mc}]/u;
  const IDEO = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  const utf8 = new TextEncoder();
  const tokenize = (text, emit) => {
    const n = text.length;
    const at = (j) => { const c = text.codePointAt(j); return [String.fromCodePoint(c), c > 0xffff ? 2 : 1]; };
    const put = (s, e, compound) => {
      const raw = text.slice(s, e);
      if (raw.length > 21 && utf8.encode(raw).length > 64) return;
      emit({ term: raw.toLowerCase().replace(/ς/g, "σ"), compound, start: s, end: e });
    };
    let i = 0;
    while (i < n) {
      let [ch, size] = at(i);
      if (!WORD.test(ch)) { i += size; continue; }
      const start = i, parts = [];
      for (;;) {
        const ws = i, alone = IDEO.test(ch);
        if (alone) i += size;
        else while (i < n) { [ch, size] = at(i); if (!WORD.test(ch) || IDEO.test(ch)) break; i += size; }
        parts.push([ws, i]);
        if (alone || i + 1 >= n || !"-_.".includes(text[i])) break;
        const [nx, ns] = at(i + 1);
        if (!WORD.test(nx) || IDEO.test(nx)) break;
        i++; ch = nx; size = ns;
      }
      if (parts.length > 1) put(start, i, true);
      for (const [s, e] of parts) put(s, e, false);
    }
  };

  // parse returns the keys a query looks up (see search.ParseQuery), and
  // the words to highlight.
  const parse = (q) => {
    const keys = [], marks = new Set();
    let phrase = false;
    const add = (k) => { if (!keys.includes(k)) keys.push(k); };
    q.split('"').forEach((part, i) => {
      if (i % 2 === 1) {
        const words = [];
        tokenize(part, (t) => { if (!t.compound) { words.push(t.term); marks.add(t.term); } });
        if (words.length === 1) add(words[0]);
        for (let j = 1; j < words.length; j++) { phrase = true; add(words[j - 1] + " " + words[j]); }
        return;
      }
      let end = -1;
      tokenize(part, (t) => {
        marks.add(t.term);
        if (t.start < end) return;
        if (t.compound) end = t.end;
        add(t.term);
      });
    });
    return { keys, phrase, marks };
  };

  const gunzip = async (url) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(url + ": " + r.status);
    return new Uint8Array(await new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  };
  let meta = null;
  const shards = new Map(), fragments = new Map();
  const loadMeta = () => meta ??= fetch(base + "meta.json").then((r) => r.json());
  const text = new TextDecoder();
  // shard decodes a shard's records: term, page count, then per page a
  // uvarint delta and a one-byte BM25 weight.
  const shard = (n) => {
    if (!shards.has(n)) shards.set(n, gunzip(base + "t/" + n + ".idx").then((b) => {
      const out = new Map();
      let p = 0;
      const uv = () => { let v = 0, s = 0, c; do { c = b[p++]; v += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80); return v; };
      while (p < b.length) {
        const len = uv(), term = text.decode(b.subarray(p, p + len));
        p += len;
        const df = uv(), pages = new Array(df), w = new Uint8Array(df);
        let page = -1;
        for (let i = 0; i < df; i++) { page += uv(); pages[i] = page; w[i] = b[p++]; }
        out.set(term, { pages, w });
      }
      return out;
    }));
    return shards.get(n);
  };
  const fnv = (s) => { let h = 0x811c9dc5; for (const c of utf8.encode(s)) h = Math.imul(h ^ c, 16777619) >>> 0; return h; };
  const fragment = (n) => {
    if (!fragments.has(n)) fragments.set(n, fetch(base + "p/" + n + ".json").then((r) => { if (!r.ok) throw new Error(r.url + ": " + r.status); return r.json(); }));
    return fragments.get(n);
  };

  // search ranks pages by BM25: the sum over keys of idf times weight.
  const search = async (q) => {
    const { keys, phrase, marks } = parse(q);
    if (keys.length === 0) return { hits: [], marks };
    const m = await loadMeta();
    const lists = await Promise.all(keys.map(async (k) => (await shard(fnv(k) % m.shards)).get(k) || { pages: [], w: [] }));
    const rank = (all) => {
      const score = new Map(), count = new Map();
      for (const l of lists) {
        const df = l.pages.length, idf = Math.log(1 + (m.pages - df + 0.5) / (df + 0.5));
        l.pages.forEach((p, i) => { score.set(p, (score.get(p) || 0) + idf * l.w[i] / 255 * (K1 + 1)); count.set(p, (count.get(p) || 0) + 1); });
      }
      const hits = [];
      for (const [p, s] of score) if (!all || count.get(p) === lists.length) hits.push([p, s]);
      return hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((h) => h[0]);
    };
    let hits = rank(true);
    if (hits.length === 0 && !phrase && lists.length > 1) hits = rank(false);
    return { hits, marks };
  };

  // excerpt appends to el about 200 characters of the fragment around its
  // first highlighted word, each highlighted word in a mark, as text.
  const excerpt = (el, f, marks) => {
    let src = f.text, found = null;
    for (const s of [f.text, f.code || ""]) {
      const ms = [];
      tokenize(s, (t) => { if (marks.has(t.term)) ms.push(t); });
      if (ms.length) { src = s; found = ms; break; }
    }
    let start = 0;
    if (found) {
      start = Math.max(0, found[0].start - 60);
      const space = src.lastIndexOf(" ", start);
      if (start > 0 && space > 0 && found[0].start - space < 90) start = space + 1;
    }
    const end = Math.min(src.length, start + 200);
    if (start > 0) el.append("… ");
    let at = start;
    for (const t of found || []) {
      if (t.start < at || t.end > end) continue;
      el.append(src.slice(at, t.start));
      const mark = document.createElement("mark");
      mark.textContent = src.slice(t.start, t.end);
      el.append(mark);
      at = t.end;
    }
    el.append(src.slice(at, end));
    if (end < src.length) el.append(" …");
  };

  // item returns the list item of a result.
  const item = (f, marks) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = f.url;
    const title = document.createElement("span");
    title.className = "site-search-title";
    title.textContent = f.title;
    const p = document.createElement("span");
    p.className = "site-search-excerpt";
    excerpt(p, f, marks);
    a.append(title, p);
    li.append(a);
    return li;
  };
  let current = { hits: [], marks: new Set() }, shown = 0, seq = 0;
  // more returns the items of the next n results.
  const next = async (n) => {
    const frags = await Promise.all(current.hits.slice(shown, shown + n).map(fragment));
    return frags.map((f) => item(f, current.marks));
  };
  const run = async () => {
    const q = input.value.trim(), mine = ++seq;
    if (!q) { close(); return; }
    let res, items;
    try {
      res = await search(q);
      if (mine !== seq) return;
      current = res; shown = 0;
      items = await next(PAGE);
    } catch (e) {
      if (mine === seq) { status.textContent = "Search is unavailable."; list.replaceChildren(); open(); }
      return;
    }
    if (mine !== seq) return;
    // The list and its count change together, once the results are in.
    list.replaceChildren(...items);
    shown = items.length;
    more.hidden = shown >= res.hits.length;
    const n = res.hits.length;
    status.textContent = n === 0 ? "No results for “" + q + "”" : n + (n === 1 ? " result" : " results") + " for “" + q + "”";
    open();
  };
  const open = () => { panel.hidden = false; };
  const close = () => { seq++; panel.hidden = true; };
  let timer = 0;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
  input.addEventListener("focus", () => { loadMeta(); if (input.value.trim() && list.children.length) open(); });
  more.addEventListener("click", async () => {
    const mine = seq, items = await next(PAGE);
    if (mine !== seq) return;
    list.append(...items);
    items[0]?.querySelector("a").focus();
    shown += items.length;
    more.hidden = shown >= current.hits.length;
  });
  // Keys: / focuses the box; arrows move between the input and the
  // results; Escape closes the results and returns to the input.
  const links = () => [...list.querySelectorAll("a")];
  box.addEventListener("keydown", (e) => {
    const all = links(), i = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && all.length) {
      e.preventDefault();
      all[Math.min(i + 1, all.length - 1)].focus();
    } else if (e.key === "ArrowUp" && (i >= 0 || document.activeElement === more)) {
      e.preventDefault();
      (i > 0 ? all[i - 1] : document.activeElement === more ? all[all.length - 1] : input).focus();
    } else if (e.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
  document.addEventListener("click", (e) => { if (!box.contains(e.target)) close(); });
})();
