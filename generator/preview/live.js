// The snapdoc preview client, loaded only by pages that `snapdoc serve`
// serves. It listens for the server's events: reload (keeping the scroll
// position), unchanged, error (an overlay over the last good page),
// warnings (a bar at the foot of the page) and navigate.
(() => {
  "use strict";

  const script = document.currentScript;
  let version = (script && script.dataset.version) || "";
  const scrollKey = "snapdoc-scroll:" + location.pathname;
  const overlayId = "snapdoc-error";
  const warningsId = "snapdoc-warnings";
  let delay = 250; // reconnect backoff, in milliseconds
  let source = null;
  let lastFocus = null;

  restoreScroll();
  connect();
  // Let the back-forward cache keep the page; when it comes back, reconnect,
  // which reloads it if the site changed in the meantime.
  window.addEventListener("pagehide", () => source && source.close());
  window.addEventListener("pageshow", (e) => { if (e.persisted) connect(); });

  function restoreScroll() {
    const saved = sessionStorage.getItem(scrollKey);
    if (saved === null) return;
    sessionStorage.removeItem(scrollKey);
    let pos;
    try {
      pos = JSON.parse(saved);
    } catch {
      return;
    }
    const apply = () => window.scrollTo(pos.x, pos.y);
    apply();
    // Images and fonts may still change the layout: apply again once loaded.
    if (document.readyState !== "complete") {
      window.addEventListener("load", apply, { once: true });
    }
  }

  function connect() {
    const url = "/_snapdoc/events?path=" + encodeURIComponent(location.pathname) +
      "&v=" + encodeURIComponent(version);
    const es = new EventSource(url);
    source = es;
    es.addEventListener("open", () => { delay = 250; });
    es.addEventListener("reload", (e) => {
      version = e.lastEventId || version;
      reload();
    });
    es.addEventListener("unchanged", (e) => {
      version = e.lastEventId || version;
      hideError();
    });
    es.addEventListener("warnings", (e) => showWarnings(JSON.parse(e.data)));
    es.addEventListener("navigate", (e) => {
      version = e.lastEventId || version;
      location.assign(JSON.parse(e.data).url);
    });
    es.addEventListener("error", (e) => {
      if (e instanceof MessageEvent) { // the server's "error" event
        showError(JSON.parse(e.data));
        return;
      }
      // The browser retries by itself unless the stream failed for good
      // (the server restarted or refused it): then retry with backoff.
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      }
    });
  }

  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    location.reload();
  }

  function showError(err) {
    hideError();
    let where = err.file || "";
    if (where && err.line) {
      where += ":" + err.line;
      if (err.col) where += ":" + err.col;
    }

    const box = document.createElement("div");
    box.id = overlayId;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", overlayId + "-title");
    box.setAttribute("aria-describedby", overlayId + "-message");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "box-sizing:border-box;padding:2rem;background:rgba(24,24,27,.92);color:#fafafa;" +
      "font:16px/1.5 system-ui,sans-serif";

    const title = text("h2", "Build error");
    title.id = overlayId + "-title";
    const loc = text("p", where);
    loc.className = overlayId + "-location";
    loc.style.cssText = "font-family:ui-monospace,monospace;color:#fca5a5";
    const msg = text("pre", err.message || "");
    msg.id = overlayId + "-message";
    msg.style.cssText = "white-space:pre-wrap;font:14px/1.5 ui-monospace,monospace";
    const dismiss = text("button", "Dismiss");
    dismiss.type = "button";
    dismiss.addEventListener("click", hideError);
    box.addEventListener("keydown", (e) => { if (e.key === "Escape") hideError(); });

    box.append(title, loc, msg, dismiss);
    lastFocus = document.activeElement;
    document.body.append(box);
    dismiss.focus();
  }

  function hideError() {
    const box = document.getElementById(overlayId);
    if (!box) return;
    box.remove();
    if (lastFocus && lastFocus.focus) lastFocus.focus();
    lastFocus = null;
  }

  // showWarnings lists the build's warnings in a bar at the foot of the
  // page, closed to a count until the reader opens it; none removes it.
  function showWarnings(list) {
    const old = document.getElementById(warningsId);
    const open = old !== null && old.querySelector("details").open;
    if (old) old.remove();
    if (!Array.isArray(list) || list.length === 0) return;

    const bar = document.createElement("aside");
    bar.id = warningsId;
    bar.setAttribute("aria-label", "Build warnings");
    bar.style.cssText = "position:fixed;left:1rem;bottom:1rem;z-index:2147483646;" +
      "max-width:min(48rem,calc(100vw - 2rem));max-height:50vh;overflow:auto;" +
      "box-sizing:border-box;padding:.5rem .75rem;border-radius:.5rem;" +
      "background:#422006;color:#fef3c7;font:14px/1.5 system-ui,sans-serif;" +
      "box-shadow:0 2px 8px rgba(0,0,0,.3)";
    const details = document.createElement("details");
    details.open = open;
    const summary = text("summary", list.length === 1 ? "1 build warning" : list.length + " build warnings");
    summary.style.cursor = "pointer";
    const items = document.createElement("ul");
    items.style.cssText = "margin:.5rem 0 0;padding-left:1.25rem;" +
      "font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere";
    for (const w of list) items.append(text("li", String(w)));
    details.append(summary, items);
    bar.append(details);
    document.body.append(bar);
  }

  // text returns a new element whose text is s, never parsed as HTML.
  function text(tag, s) {
    const el = document.createElement(tag);
    el.textContent = s;
    return el;
  }
})();
