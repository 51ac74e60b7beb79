/* Keyboard shortcuts of the staff workspace (ticket list and ticket page).
 *
 * Loaded as a file from our origin: the staff pages run under a strict CSP
 * (script-src 'self'), so nothing here is inline and nothing is injected as
 * HTML. Every action goes through the page's own links and forms (with their
 * CSRF token), so a shortcut does exactly what the button does.
 * Keys are ignored while typing in a field; Escape leaves the field.
 */
(function () {
  "use strict";

  var LIST_KEY = "hd.workspace.list";
  var help = document.getElementById("shortcuts");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.tickets tbody tr[data-ref]"));
  var replyForm = document.getElementById("reply-form");
  var selected = -1;

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    if (tag !== "input") return false;
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf((target.type || "").toLowerCase()) < 0;
  }

  /* The key as the help lists it, whatever the keyboard layout (Arabic, AZERTY): letters and / by position. */
  function keyOf(event) {
    var key = event.key || "";
    if (key === "Enter" || key === "Escape") return key.toLowerCase();
    if (key.length === 1 && key.charCodeAt(0) < 128) return key.toLowerCase();
    var code = event.code || "";
    if (/^Key[A-Z]$/.test(code)) return code.charAt(3).toLowerCase();
    if (code === "Slash") return event.shiftKey ? "?" : "/";
    return key;
  }

  function openHelp() {
    if (!help || help.open) return;
    if (typeof help.showModal === "function") help.showModal(); else help.setAttribute("open", "");
  }

  function submitForm(name) {
    var form = document.querySelector('form[data-shortcut="' + name + '"]');
    if (!form) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit(); else form.submit();
  }

  function listUrl() {
    var link = document.querySelector('a[data-shortcut="list"]');
    var stored = readList();
    return (stored && stored.url) || (link && link.href) || "/tickets";
  }

  function readList() {
    try { return JSON.parse(window.sessionStorage.getItem(LIST_KEY) || "null"); } catch (e) { return null; }
  }

  function rememberList() {
    /* The ticket page walks the list it was opened from (j/k), so keep its order for this tab. */
    var items = rows.map(function (row) {
      var link = row.querySelector("a[href]");
      return {ref: row.getAttribute("data-ref"), href: link ? link.href : ""};
    });
    try {
      window.sessionStorage.setItem(LIST_KEY, JSON.stringify({url: window.location.href, items: items}));
    } catch (e) { /* private mode: j/k on the ticket page just does nothing */ }
  }

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (selected >= 0 && rows[selected]) rows[selected].classList.remove("selected");
    selected = index;
    var row = rows[selected];
    row.classList.add("selected");
    var link = row.querySelector("a[href]");
    if (link) link.focus();
    row.scrollIntoView({block: "nearest"});
  }

  function step(delta) {
    if (rows.length) { select(selected < 0 ? 0 : selected + delta); return; }
    var stored = readList();
    var here = document.querySelector("[data-ticket]");
    var ref = here && here.getAttribute("data-ticket");
    if (!stored || !stored.items || !ref) return;
    var at = stored.items.findIndex(function (item) { return item.ref === ref; });
    var next = at < 0 ? null : stored.items[at + delta];
    if (next && next.href) window.location.assign(next.href);
  }

  function write(note) {
    if (!replyForm) return;
    var internal = replyForm.querySelector('input[name="internal"]');
    if (internal) internal.checked = note;
    var body = replyForm.querySelector("textarea");
    if (body) { body.focus(); body.scrollIntoView({block: "center"}); }
  }

  function search() {
    var box = document.getElementById("search-q");
    if (box) { box.focus(); box.select(); } else { window.location.assign(listUrl().split("#")[0] + "#search"); }
  }

  var actions = {
    "j": function () { step(1); },
    "k": function () { step(-1); },
    "o": function () { if (selected >= 0) { var a = rows[selected].querySelector("a[href]"); if (a) a.click(); } },
    "u": function () { if (!rows.length) window.location.assign(listUrl()); },
    "r": function () { write(false); },
    "n": function () { write(true); },
    "a": function () { submitForm("assign"); },
    "c": function () { submitForm("close"); },
    "/": search,
    "?": openHelp
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = keyOf(event);
    if (typing(event.target)) {
      if (key === "escape") event.target.blur();
      return;
    }
    if (help && help.open) return; /* the dialog has the keyboard; Escape closes it natively */
    var action = actions[key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  Array.prototype.forEach.call(document.querySelectorAll(".shortcut-help"), function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); openHelp(); });
  });

  if (rows.length) rememberList();
  if (window.location.hash === "#search") search();
})();
