/*
 * Career Guide Assistant: what the chat page does beyond Gradio's Chatbot. Loaded by the page's <head>.
 *
 *  - A citation marker [n] opens its source card and scrolls it into view.
 *  - Copy puts plain text on the clipboard: a question as typed; an answer, then its sources as
 *    [1] Section > Path: "excerpt" (file, lines a-b). The server writes that text into each message
 *    (the value of a hidden input.guide-copy, webapp/render.py); Gradio's own copy would give the
 *    message's Markdown and HTML.
 *  - A bot message is read by screen readers from its content, not from an aria-label holding its
 *    Markdown and HTML source.
 *  - A new answer is scrolled to its start, not to the end of its source cards (on a phone the answer
 *    would otherwise be out of view).
 *  - A character count shows under the box as a question nears the limit.
 *
 * Everything is event delegation on the document: Gradio re-renders messages at will.
 */
(function () {
  "use strict";
  var LIMIT = 2000;
  var SHOW_COUNT_FROM = 1600;

  function botMessage(node) {
    return node && node.closest ? node.closest('[data-testid="bot"]') : null;
  }

  document.addEventListener(
    "click",
    function (event) {
      var marker = event.target.closest && event.target.closest(".guide-marker a");
      if (marker) {
        var card = document.getElementById(marker.getAttribute("href").slice(1));
        if (card) {
          event.preventDefault();
          event.stopPropagation();
          card.open = true;
          card.scrollIntoView({ block: "nearest", behavior: "smooth" });
          var summary = card.querySelector("summary");
          if (summary) summary.focus({ preventScroll: true });
        }
        return;
      }
      var button = event.target.closest && event.target.closest("#chat .message-buttons button");
      if (!button || !/copy/i.test(button.getAttribute("aria-label") || button.title || "")) return;
      var source = copySource(button);
      if (!source) return; // not one of ours: Gradio's own copy goes ahead
      event.preventDefault();
      event.stopImmediatePropagation();
      copyText(source.value);
      button.setAttribute("aria-label", "Copied message");
      button.title = "Copied message";
      setTimeout(function () {
        button.setAttribute("aria-label", "Copy message");
        button.title = "Copy message";
      }, 2000);
    },
    true
  );

  // A message's buttons are the next sibling of its row (Gradio 6: .message-row, then .message-buttons),
  // so the text to copy is in the row just before them, never in another message.
  function copySource(button) {
    var row = button.closest(".message-buttons");
    row = row && row.previousElementSibling;
    while (row && !row.classList.contains("message-row")) row = row.previousElementSibling;
    return row ? row.querySelector("input.guide-copy") : null;
  }

  function copyText(text) {
    // The Clipboard API needs a secure context (https or localhost); elsewhere, the older way.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text);
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try {
      document.execCommand("copy");
    } finally {
      document.body.removeChild(area);
    }
  }

  var seen = 0;
  function tidy() {
    var bots = document.querySelectorAll('#chat [data-testid="bot"]');
    for (var i = 0; i < bots.length; i++) {
      if (bots[i].hasAttribute("aria-label")) bots[i].removeAttribute("aria-label");
    }
    if (bots.length > seen && seen >= 0) {
      var newest = bots[bots.length - 1];
      if (newest.querySelector(".guide-copy")) {
        newest.scrollIntoView({ block: "start" });
        var chat = document.getElementById("chat");
        if (chat) chat.scrollIntoView({ block: "nearest" });
      }
    }
    seen = bots.length;
  }
  new MutationObserver(tidy).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["aria-label"],
  });

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.closest || !box.closest("#question")) return;
    var count = document.getElementById("guide-count");
    if (!count) {
      count = document.createElement("div");
      count.id = "guide-count";
      count.setAttribute("aria-live", "polite");
      box.closest("#question").appendChild(count);
    }
    var length = box.value.trim().length;
    count.textContent = length >= SHOW_COUNT_FROM ? length.toLocaleString("en") + " / " + LIMIT.toLocaleString("en") : "";
    count.className = length > LIMIT ? "guide-count-over" : "";
  });
})();
