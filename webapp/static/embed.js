/*
 * Career Guide Assistant: the embed widget.
 *
 *   <script src="http://HOST:PORT/embed.js" defer></script>
 *
 * Adds a floating button that opens a small chat panel. The panel calls POST /api/ask on the server the
 * script came from and shows each answer with its numbered citations (section, file, lines, excerpt); a
 * marker [n] in the answer is a button that scrolls to its source, focuses it and flashes it briefly.
 * Options, as data-* attributes on the script tag:
 *   data-position  bottom-right (default) | bottom-left | top-right | top-left
 *   data-label     the button's text ("Ask the guide")
 *   data-title     the panel's title ("Career Guide Assistant")
 *   data-open      "true" opens the panel on load
 *   data-theme     light (default) | dark
 *   data-width, data-height   panel size, CSS lengths or pixels (380 / 560)
 *
 * Safety: the server's text is raw, so every piece of it goes through textContent or createTextNode;
 * no string is ever parsed as HTML. The widget lives in a shadow root so the host page's CSS cannot break
 * it and its CSS cannot leak out. Left out on purpose: streaming, persistence across page loads.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__guideAssistantWidget) return;
  window.__guideAssistantWidget = true;

  var server = new URL(script.src, window.location.href).origin;
  var opts = script.dataset;
  var position = /^(top|bottom)-(left|right)$/.test(opts.position || "") ? opts.position : "bottom-right";
  var label = opts.label || "Ask the guide";
  var title = opts.title || "Career Guide Assistant";
  var theme = opts.theme === "dark" ? "dark" : "light";
  var history = [];
  var busy = false;

  function size(value, fallback) {
    if (!value) return fallback;
    return /^\d+$/.test(value) ? value + "px" : value;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var CSS = [
    ":host{all:initial;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:14px;line-height:1.45;",
    "--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#2563eb;--accent-fg:#fff;--bubble:#f1f5f9;--mark:#fef08a}",
    ":host([data-theme=dark]){--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--accent:#4493f8;--accent-fg:#0d1117;--bubble:#161b22;--mark:#634f00}",
    ".launcher{position:fixed;z-index:2147483000;border:0;border-radius:999px;padding:12px 18px;cursor:pointer;",
    "background:var(--accent);color:var(--accent-fg);font:inherit;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".panel{position:fixed;z-index:2147483001;display:none;box-sizing:border-box;flex-direction:column;max-width:calc(100vw - 32px);",
    "max-height:calc(100vh - 96px);background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:12px;",
    "box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel.open{display:flex}",
    ".bottom-right{right:16px}.bottom-left{left:16px}.top-right{right:16px}.top-left{left:16px}",
    ".launcher.bottom-right,.launcher.bottom-left{bottom:16px}.launcher.top-right,.launcher.top-left{top:16px}",
    ".panel.bottom-right,.panel.bottom-left{bottom:76px}.panel.top-right,.panel.top-left{top:76px}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 12px;border-bottom:1px solid var(--line)}",
    "header h2{flex:1;margin:0;font-size:15px}",
    "header a{color:var(--accent);font-size:12px}",
    "header button{border:0;background:none;color:var(--fg);font-size:20px;cursor:pointer;line-height:1}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px}",
    ".msg{padding:8px 10px;border-radius:10px;max-width:100%;overflow-wrap:anywhere}",
    ".user{align-self:flex-end;background:var(--accent);color:var(--accent-fg)}",
    ".bot{background:var(--bubble)}.error{border:1px solid #d1242f;background:transparent}",
    ".notice{align-self:center;color:var(--muted);font-size:13px;text-align:center}",
    ".bot p{margin:0 0 6px}.bot ul{margin:0 0 6px;padding-left:18px}",
    ".ref{font-size:11px;vertical-align:super;color:var(--accent);font-weight:600}",
    "button.ref{border:0;background:none;padding:0 1px;margin:0;cursor:pointer;font-family:inherit;line-height:1}",
    "button.ref:hover{text-decoration:underline}button.ref:focus-visible,.citation:focus-visible{outline:2px solid var(--accent);outline-offset:2px}",
    "@keyframes flash{from{background:var(--mark)}to{background:transparent}}",
    ".citation.flash{animation:flash 1.6s ease-out}",
    ".citations{margin:8px 0 0;padding:8px 0 0;border-top:1px solid var(--line);list-style:none}",
    ".citation{margin:0 0 8px}.citation-head{font-weight:600}.citation-meta{color:var(--muted);font-size:12px}",
    "blockquote{margin:4px 0 0;padding:4px 8px;border-left:3px solid var(--line);white-space:pre-wrap;font-size:13px}",
    "mark{background:var(--mark);color:inherit}",
    ".not-covered{display:inline-block;margin:0 0 6px;padding:1px 8px;border:1px solid var(--line);border-radius:999px;color:var(--muted);font-size:12px}",
    ".suggestions{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}",
    ".suggestions button{border:1px solid var(--line);border-radius:999px;background:var(--bg);color:var(--fg);padding:4px 10px;cursor:pointer;font:inherit;font-size:12px}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--line)}",
    "textarea{flex:1;resize:none;font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:6px 8px}",
    "form button{border:0;border-radius:8px;background:var(--accent);color:var(--accent-fg);font:inherit;font-weight:600;padding:0 14px;cursor:pointer}",
    "form button:disabled{opacity:.5;cursor:default}",
  ].join("");

  var host = el("div");
  host.id = "guide-assistant-widget";
  host.setAttribute("data-theme", theme);
  var root = host.attachShadow({ mode: "open" });
  var style = el("style", "", CSS);
  root.appendChild(style);

  var launcher = el("button", "launcher " + position, label);
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");

  var panel = el("section", "panel " + position);
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  panel.style.width = size(opts.width, "380px");
  panel.style.height = size(opts.height, "560px");

  var header = el("header");
  header.appendChild(el("h2", "", title));
  var full = el("a", "", "Open full chat");
  full.href = server + "/";
  full.target = "_blank";
  full.rel = "noopener";
  header.appendChild(full);
  var close = el("button", "", "\u00d7");
  close.type = "button";
  close.setAttribute("aria-label", "Close");
  header.appendChild(close);

  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var input = el("textarea");
  input.rows = 2;
  input.maxLength = 2000;
  input.placeholder = "Ask about the AI and ML career guide";
  input.setAttribute("aria-label", "Your question");
  var send = el("button", "", "Send");
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  function setOpen(open) {
    panel.classList.toggle("open", open);
    launcher.setAttribute("aria-expanded", String(open));
    if (open) input.focus();
  }

  // Inline Markdown the answers use: **bold**, *italic* and [n] citation markers. Everything else is text.
  // `sources` maps n to the answer's source entry: a marker with one is a button, one without is a label.
  function inline(parent, text, sources) {
    var parts = text.split(/(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|\[\d+\])/);
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      if (!part) continue;
      if (/^\*\*[^*]+\*\*$/.test(part)) parent.appendChild(el("strong", "", part.slice(2, -2)));
      else if (/^\*[^*]+\*$/.test(part)) parent.appendChild(el("em", "", part.slice(1, -1)));
      else if (/^\[\d+\]$/.test(part)) parent.appendChild(marker(part, sources[part.slice(1, -1)]));
      else parent.appendChild(document.createTextNode(part));
    }
  }

  function marker(text, source) {
    if (!source) return el("span", "ref", text);
    var button = el("button", "ref", text);
    button.type = "button";
    button.title = "Source " + text + ": " + source.section;
    button.addEventListener("click", function () { showSource(source.entry); });
    return button;
  }

  // The entry is scrolled into the panel's view, focused (a keyboard user goes on from there) and flashed.
  function showSource(entry) {
    entry.scrollIntoView({ block: "nearest", behavior: "smooth" });
    entry.focus({ preventScroll: true });
    entry.classList.remove("flash");
    void entry.offsetWidth; // a second click on the same marker restarts the flash
    entry.classList.add("flash");
  }

  function markdown(parent, text, sources) {
    var blocks = text.split(/\n\s*\n/);
    for (var b = 0; b < blocks.length; b++) {
      var lines = blocks[b].split("\n");
      var list = null;
      for (var l = 0; l < lines.length; l++) {
        var line = lines[l];
        var item = /^\s*[-*]\s+(.*)$/.exec(line);
        if (item) {
          if (!list) list = parent.appendChild(el("ul"));
          inline(list.appendChild(el("li")), item[1], sources);
        } else if (line.trim()) {
          list = null;
          inline(parent.appendChild(el("p")), line, sources);
        }
      }
    }
  }

  function citation(c) {
    var li = el("li", "citation");
    li.tabIndex = -1; // focusable from its marker, not a stop of its own when tabbing
    li.addEventListener("animationend", function () { li.classList.remove("flash"); });
    li.appendChild(el("div", "citation-head", "[" + c.n + "] " + c.section));
    li.appendChild(el("div", "citation-meta", c.source + ", lines " + c.start_line + "\u2013" + c.end_line));
    var quote = el("blockquote");
    var highlight = c.highlight || [];
    var lines = String(c.excerpt).split("\n");
    for (var i = 0; i < lines.length; i++) {
      if (i) quote.appendChild(document.createTextNode("\n"));
      var isAnswer = highlight.indexOf(c.start_line + i) !== -1;
      quote.appendChild(isAnswer ? el("mark", "", lines[i]) : document.createTextNode(lines[i]));
    }
    li.appendChild(quote);
    return li;
  }

  // Replies that are not about the guide ("thanks!", a question in another language): the text alone.
  var SHORT_KINDS = ["social", "language"];

  function showAnswer(record) {
    var bubble = el("div", "msg bot");
    var short = SHORT_KINDS.indexOf(record.kind) !== -1;
    var suggestions = record.suggestions || [];
    if (!short && record.not_covered && record.not_covered.length) {
      var note = bubble.appendChild(el("div", "not-covered", "Not in the guide: " + record.not_covered.join(", ")));
      note.setAttribute("role", "note");
    }
    // The suggestions are chips below; the answer's lines that list them as text are left out.
    var text = String(record.answer || "").split("\n").filter(function (line) {
      var bullet = /^\s*-\s+(.*)$/.exec(line);
      return !bullet || suggestions.indexOf(bullet[1].trim()) === -1;
    });
    var list = null;
    var sources = {};
    if (!short && record.citations && record.citations.length) {
      list = el("ol", "citations");
      list.setAttribute("aria-label", "Sources");
      record.citations.forEach(function (c) {
        sources[c.n] = { entry: list.appendChild(citation(c)), section: c.section };
      });
    }
    markdown(bubble, text.join("\n"), sources);
    if (list) bubble.appendChild(list);
    if (suggestions.length) {
      var chips = el("div", "suggestions");
      chips.setAttribute("aria-label", record.abstained ? "You could ask" : "Related questions");
      suggestions.forEach(function (s) {
        var chip = el("button", "", s);
        chip.type = "button";
        chip.addEventListener("click", function () { ask(s); });
        chips.appendChild(chip);
      });
      bubble.appendChild(chips);
    }
    return bubble;
  }

  // What the server needs of an earlier answer to resolve "what is the fourth one for?" (docs/api.md).
  function historyTurn(record) {
    return {
      role: "assistant",
      content: record.answer || "",
      kind: record.kind || null,
      citations: (record.citations || []).map(function (c) { return { section: c.section, excerpt: c.excerpt }; }),
    };
  }

  function addMessage(node) {
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  function ask(question) {
    question = question.trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    var asked = addMessage(el("div", "msg user", question));
    var pending = addMessage(el("div", "msg bot", "Looking in the guide\u2026"));
    fetch(server + "/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, history: history }),
    })
      .then(function (response) {
        return response.json().then(
          function (body) { return { ok: response.ok, status: response.status, headers: response.headers, body: body }; },
          function () {
            var message = "The assistant answered " + response.status + ".";
            return { ok: false, status: response.status, headers: response.headers, body: { message: message } };
          }
        );
      })
      .then(function (result) {
        if (result.ok) {
          log.replaceChild(showAnswer(result.body), pending);
          history.push({ role: "user", content: question }, historyTurn(result.body));
        } else if (result.status === 429) {
          // Not an error of the question: the conversation stays, the question goes back in the box. The
          // wait is the server's Retry-After; its window (GUIDE_RATE_WINDOW) is unknown here, so none is named.
          var wait = parseInt(result.headers.get("Retry-After"), 10) || 60;
          var limited = "You've asked a lot in a short time; you can ask again in " + wait +
            (wait === 1 ? " second." : " seconds.");
          log.removeChild(asked);
          log.replaceChild(el("div", "msg notice", limited), pending);
          if (!input.value) input.value = question;
        } else if (result.status === 403 && result.body.error === "origin_not_allowed") {
          // The server refused this page's origin (it logs it): not a network failure, and not the visitor's.
          var refused = "This site is not allowed to use the assistant. Its operator can allow " +
            location.origin + " with --allowed-origins.";
          log.replaceChild(el("div", "msg bot error", refused), pending);
        } else {
          log.replaceChild(el("div", "msg bot error", result.body.message || "Something went wrong."), pending);
        }
      })
      .catch(function () {
        log.replaceChild(el("div", "msg bot error", "Could not reach the assistant at " + server + "."), pending);
      })
      .then(function () {
        busy = false;
        send.disabled = false;
        log.scrollTop = log.scrollHeight;
      });
  }

  launcher.addEventListener("click", function () { setOpen(!panel.classList.contains("open")); });
  close.addEventListener("click", function () { setOpen(false); launcher.focus(); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { setOpen(false); launcher.focus(); } });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var question = input.value;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  function mount() {
    document.body.appendChild(host);
    if (opts.open === "true") setOpen(true);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
