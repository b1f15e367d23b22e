// "Try it" on published pages: the Run button of a block readers may run
// asks the public runner to run it, and shows the live exchange beside the
// recorded one, with their difference. Fields that change from run to run
// (the block's volatile fields) are marked and not counted. The recorded
// output is never touched: a failure says what happened in the status.
// Everything the runner sends is shown as text, never as HTML.
(() => {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || "";
  const runner = meta("snapdoc-try-runner").replace(/\/+$/, "");
  if (!runner) return;
  let shown = [];
  try {
    shown = JSON.parse(meta("snapdoc-try-headers") || "[]").map((h) => h.toLowerCase());
  } catch {
    shown = [];
  }

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // What a refused or failed run tells the reader.
  const refusal = (response) => {
    switch (response.status) {
      case 429: {
        const s = parseInt(response.headers.get("Retry-After") || "", 10);
        const wait = Number.isFinite(s) && s > 0 ? `${s} second${s === 1 ? "" : "s"}` : "a moment";
        return `Too many runs right now: try again in ${wait}. The recorded output is shown.`;
      }
      case 409:
        return "This page is older than the runner's copy of the site: reload the page to run the current example.";
      case 403:
        return "Readers may not run this example on the live API; the recorded output is shown.";
      case 404:
        return "The runner does not know this example (the site may have changed): reload the page.";
      default:
        return `The runner could not run this example (HTTP ${response.status}); the recorded output is shown.`;
    }
  };

  const bodyText = (res) => {
    if (!res) return "";
    if (res.body_encoding === "base64") return `(${Math.floor((res.body.length * 3) / 4)} bytes of binary data)`;
    try {
      return JSON.stringify(JSON.parse(res.body), null, 2);
    } catch {
      return res.body;
    }
  };

  const headersOf = (res) => {
    const out = new Map();
    for (const [name, value] of res?.headers || []) {
      const k = name.toLowerCase();
      if (shown.includes(k)) out.set(k, out.has(k) ? `${out.get(k)}, ${value}` : value);
    }
    return out;
  };

  // flatten lists the members of a JSON value by key path ("a.b.0").
  const flatten = (v, path, out) => {
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 0) out.set(path, JSON.stringify(v));
      for (const k of keys) flatten(v[k], path ? `${path}.${k}` : k, out);
    } else {
      out.set(path, JSON.stringify(v));
    }
    return out;
  };

  // differences compares a live exchange with the recorded one: status,
  // the shown headers and the body (member by member for JSON).
  const differences = (rec, live, volatile) => {
    const isVolatileHeader = (h) => volatile.includes(`header:${h}`);
    const isVolatileKey = (p) =>
      volatile.some((s) => s.startsWith("body:") && (p === s.slice(5).toLowerCase() || p.startsWith(`${s.slice(5).toLowerCase()}.`)));
    const diffs = [];
    const a = rec?.response, b = live?.response;
    if (!a || !b) {
      diffs.push({ what: "response", was: a ? String(a.status) : "none", now: b ? String(b.status) : "none" });
      return diffs;
    }
    if (a.status !== b.status) diffs.push({ what: "status", was: String(a.status), now: String(b.status) });
    const ha = headersOf(a), hb = headersOf(b);
    for (const h of new Set([...ha.keys(), ...hb.keys()])) {
      if (ha.get(h) !== hb.get(h)) {
        diffs.push({ what: `header ${h}`, was: ha.get(h) ?? "(absent)", now: hb.get(h) ?? "(absent)", volatile: isVolatileHeader(h) });
      }
    }
    if (a.truncated || b.truncated) {
      diffs.push({ what: "body", was: "…", now: "…", volatile: true, note: "(too long to compare on the page; not counted)" });
      return diffs;
    }
    let ja, jb;
    try {
      ja = JSON.parse(a.body);
      jb = JSON.parse(b.body);
    } catch {
      ja = jb = undefined;
    }
    if (ja !== undefined && jb !== undefined) {
      const fa = flatten(ja, "", new Map()), fb = flatten(jb, "", new Map());
      for (const p of new Set([...fa.keys(), ...fb.keys()])) {
        if (fa.get(p) !== fb.get(p)) {
          diffs.push({ what: `body ${p || "(root)"}`, was: fa.get(p) ?? "(absent)", now: fb.get(p) ?? "(absent)", volatile: isVolatileKey(p.toLowerCase()) });
        }
      }
    } else if (a.body !== b.body) {
      diffs.push({ what: "body", was: `${a.body.length} characters`, now: `${b.body.length} characters` });
    }
    return diffs;
  };

  const renderExchange = (ex) => {
    const box = el("div", "response");
    const res = ex.response;
    const line = el("p", "response-line");
    line.append(el("span", `status s${res ? Math.floor(res.status / 100) : 0}xx`, res ? `${res.status} ${res.reason || ""}`.trim() : "no response"), " ",
      el("span", "req", `${ex.request.method} ${ex.request.url}`), " ", el("span", `cache cache-${ex.cache || "miss"}`, ex.cache || ""));
    box.append(line);
    const hs = headersOf(res);
    if (hs.size) {
      const dl = el("dl", "headers");
      for (const [k, v] of hs) {
        const row = el("div");
        row.append(el("dt", "", k), el("dd", "", v));
        dl.append(row);
      }
      box.append(dl);
    }
    const body = bodyText(res);
    if (body) box.append(el("pre", "try-body", body));
    if (ex.error) box.append(el("p", "output-note bad", ex.error));
    return box;
  };

  const renderDiff = (diffs) => {
    const counted = diffs.filter((d) => !d.volatile).length;
    const box = el("div", "try-diff");
    box.append(el("h4", "", counted === 0 ? "Same as recorded" : `${counted} difference${counted === 1 ? "" : "s"} from the recorded output`));
    if (diffs.length) {
      const ul = el("ul");
      for (const d of diffs) {
        const li = el("li", d.volatile ? "try-volatile" : "try-changed");
        li.append(el("span", "try-what", d.what), ": ", el("del", "", d.was), " → ", el("ins", "", d.now));
        if (d.volatile) li.append(" ", el("span", "try-note", d.note || "(changes from run to run; not counted)"));
        ul.append(li);
      }
      box.append(ul);
    }
    return { box, counted };
  };

  const run = async (button) => {
    const example = button.closest(".example");
    const tryBox = button.closest(".try");
    const status = tryBox.querySelector(".try-status");
    let recorded = [], volatile = [];
    try {
      recorded = JSON.parse(tryBox.dataset.recorded || "[]");
      volatile = JSON.parse(tryBox.dataset.volatile || "[]").map((s) => s.toLowerCase());
    } catch {
      recorded = [];
    }
    button.disabled = true;
    example.setAttribute("aria-busy", "true");
    status.textContent = "Running on the live API…";
    let response;
    try {
      response = await fetch(`${runner}/v1/run`, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ file: example.dataset.file, block: example.dataset.block, hash: tryBox.dataset.hash }),
      });
    } catch {
      status.textContent = "The runner is unreachable right now, so the example cannot run live; the recorded output is shown.";
      button.disabled = false;
      example.removeAttribute("aria-busy");
      return;
    }
    try {
      if (!response.ok) {
        status.textContent = refusal(response);
        return;
      }
      const result = await response.json();
      example.querySelector(".try-live")?.remove();
      const live = el("section", "try-live");
      live.setAttribute("aria-label", "Live output");
      live.append(el("h3", "try-title", "Live output"));
      let counted = 0;
      (result.exchanges || []).forEach((ex, i) => {
        live.append(renderExchange(ex));
        const d = renderDiff(differences(recorded[i], ex, volatile));
        counted += d.counted;
        live.append(d.box);
      });
      if (result.error) live.append(el("p", "output-note bad", `The live run failed: ${result.reason || result.error}`));
      example.querySelector(".output").after(live);
      example.classList.add("try-shown");
      const when = new Date().toLocaleTimeString();
      status.textContent = result.error
        ? `Ran at ${when}: the live run failed (${result.reason || result.error}).`
        : `Ran at ${when}: ${counted === 0 ? "same as recorded" : `${counted} difference${counted === 1 ? "" : "s"} from the recorded output`}.`;
    } catch {
      status.textContent = "The runner's answer could not be read; the recorded output is shown.";
    } finally {
      button.disabled = false;
      example.removeAttribute("aria-busy");
    }
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.try-run");
    if (button) run(button);
  });
})();
