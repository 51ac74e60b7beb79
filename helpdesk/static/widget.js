/* Helpdesk widget: <script src="https://HOST/widget.js" data-merchant="WIDGET_KEY" async></script>
 * Plain JS, no framework. The form lives in a shadow root, so the shop's CSS cannot reach it (nor ours the shop).
 * Optional attributes: data-lang="fr|en|ar" (else the browser's language, else the shop's), data-open="1".
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-merchant]");
  if (!script || !script.getAttribute("data-merchant") || window.__helpdeskWidget) return;
  window.__helpdeskWidget = true;
  var KEY = script.getAttribute("data-merchant");
  var BASE = new URL(script.src, location.href).origin + "/widget/" + encodeURIComponent(KEY);
  var LANGS = ["fr", "en", "ar"];
  var cfg = { max_file_bytes: 10485760, max_files: 5, language: "fr",
    accept: ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf"] };

  var T = {
    en: { open: "Report a problem", title: "Customer service", tabC: "Report a problem",
      tabW: "Withdraw from contract here", close: "Close", email: "Email", name: "Name", order: "Order number",
      cat: "What is it about? (optional)", catNone: "Choose…", late_delivery: "Late or missing delivery",
      "return": "Return or refund", non_conformity: "Damaged, defective or wrong item", other: "Something else",
      msg: "What happened?", files: "Photos or PDF (optional)", filesHint: "Up to {n} files, {mb} MB each.",
      req: "required", send: "Send", sending: "Sending…", cont: "Continue", back: "Back",
      confirm: "Confirm withdrawal", wIntro: "Withdraw from your purchase: give your name, email and order number.",
      wNote: "Anything to add? (optional)", wCheck: "Check and confirm your withdrawal:",
      statement: "I hereby withdraw from the contract for order {o}.",
      thanks: "Thank you, we received your message.", yourRef: "Your reference:", follow: "Follow your request",
      joined: "We added it to your open request about this order; the link to follow it is on its way to your email.",
      wDone: "Your withdrawal was received on {d}.", wMail: "An acknowledgement is on its way to {e}.",
      eReq: "This field is required.", eEmail: "Enter an email address like name@example.com.",
      eType: "{f}: only photos (JPEG, PNG, GIF, WebP, HEIC) and PDF files are accepted.",
      eSize: "{f} is larger than {mb} MB.", eCount: "At most {n} files.", eFix: "Please correct the fields marked.",
      eRate: "Too many attempts. Please wait a minute and try again.",
      eNet: "Sending failed. Check your connection and try again." },
    fr: { open: "Signaler un problème", title: "Service client", tabC: "Signaler un problème",
      tabW: "Se rétracter du contrat ici", close: "Fermer", email: "E-mail", name: "Nom",
      order: "Numéro de commande", cat: "De quoi s'agit-il ? (facultatif)", catNone: "Choisir…",
      late_delivery: "Livraison en retard ou absente", "return": "Retour ou remboursement",
      non_conformity: "Article abîmé, défectueux ou erroné", other: "Autre chose", msg: "Que s'est-il passé ?",
      files: "Photos ou PDF (facultatif)", filesHint: "Jusqu'à {n} fichiers, {mb} Mo chacun.", req: "obligatoire",
      send: "Envoyer", sending: "Envoi…", cont: "Continuer", back: "Retour", confirm: "Confirmer la rétractation",
      wIntro: "Rétractez-vous de votre achat : indiquez votre nom, votre e-mail et le numéro de commande.",
      wNote: "Quelque chose à ajouter ? (facultatif)", wCheck: "Vérifiez et confirmez votre rétractation :",
      statement: "Je me rétracte du contrat portant sur la commande {o}.",
      thanks: "Merci, nous avons bien reçu votre message.", yourRef: "Votre référence :",
      follow: "Suivre ma demande",
      joined: "Nous l'avons ajouté à votre demande en cours sur cette commande ; le lien pour la suivre part vers votre e-mail.",
      wDone: "Votre rétractation a été reçue le {d}.",
      wMail: "Un accusé de réception part à l'adresse {e}.", eReq: "Ce champ est obligatoire.",
      eEmail: "Saisissez une adresse e-mail comme nom@exemple.com.",
      eType: "{f} : seuls les photos (JPEG, PNG, GIF, WebP, HEIC) et les PDF sont acceptés.",
      eSize: "{f} dépasse {mb} Mo.", eCount: "{n} fichiers au maximum.", eFix: "Corrigez les champs signalés.",
      eRate: "Trop d'essais. Patientez une minute puis réessayez.",
      eNet: "L'envoi a échoué. Vérifiez votre connexion et réessayez." },
    ar: { open: "الإبلاغ عن مشكلة", title: "خدمة العملاء", tabC: "الإبلاغ عن مشكلة", tabW: "التراجع عن العقد من هنا",
      close: "إغلاق", email: "البريد الإلكتروني", name: "الاسم", order: "رقم الطلبية", cat: "ما الموضوع؟ (اختياري)",
      catNone: "اختر…", late_delivery: "تأخر التوصيل أو عدم وصوله", "return": "إرجاع أو استرداد المبلغ",
      non_conformity: "منتج تالف أو معيب أو غير مطابق", other: "شيء آخر", msg: "ماذا حدث؟",
      files: "صور أو PDF (اختياري)", filesHint: "حتى {n} ملفات، {mb} ميغابايت لكل ملف.", req: "إلزامي",
      send: "إرسال", sending: "جار الإرسال…", cont: "متابعة", back: "رجوع", confirm: "تأكيد التراجع",
      wIntro: "تراجع عن شرائك: أدخل اسمك وبريدك الإلكتروني ورقم الطلبية.", wNote: "هل تريد إضافة شيء؟ (اختياري)",
      wCheck: "راجع طلب التراجع وأكده:", statement: "أعلن تراجعي عن العقد المتعلق بالطلبية {o}.",
      thanks: "شكرا، توصلنا برسالتك.", yourRef: "مرجعك:", follow: "تابع طلبك",
      joined: "أضفنا رسالتك إلى طلبك المفتوح بخصوص هذه الطلبية، وسيصلك رابط متابعته على بريدك الإلكتروني.",
      wDone: "تم استلام طلب تراجعك بتاريخ {d}.",
      wMail: "سيصلك إشعار بالاستلام على {e}.", eReq: "هذا الحقل إلزامي.",
      eEmail: "أدخل بريدا إلكترونيا صحيحا مثل name@example.com.",
      eType: "{f}: لا نقبل إلا الصور (JPEG وPNG وGIF وWebP وHEIC) وملفات PDF.", eSize: "{f} أكبر من {mb} ميغابايت.",
      eCount: "{n} ملفات على الأكثر.", eFix: "يرجى تصحيح الحقول المشار إليها.",
      eRate: "محاولات كثيرة. انتظر دقيقة ثم أعد المحاولة.", eNet: "تعذر الإرسال. تحقق من اتصالك وأعد المحاولة." }
  };

  var CSS = ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,'Segoe UI','Noto Sans','Noto Naskh Arabic',sans-serif}" +
    ".w{position:fixed;inset-block-end:16px;inset-inline-end:16px;z-index:2147483000;color:#1d2430;font-size:15px;line-height:1.4}" +
    "button{font:inherit;cursor:pointer;border-radius:8px;border:0;padding:10px 16px;background:#1f5fbf;color:#fff;margin:0}" +
    "button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}" +
    ".launch{box-shadow:0 2px 10px rgba(0,0,0,.25);font-weight:600}" +
    ".panel{width:min(420px,calc(100vw - 32px));max-height:calc(100vh - 32px);overflow:auto;background:#fff;border-radius:12px;box-shadow:0 6px 30px rgba(0,0,0,.3);padding:16px}" +
    ".head{display:flex;justify-content:space-between;align-items:center;gap:8px}h2{font-size:18px;margin:0}" +
    ".x{background:none;color:#1d2430;font-size:22px;padding:2px 8px}" +
    ".tabs{display:flex;gap:6px;margin:12px 0}.tabs button{flex:1;background:#eef1f5;color:#1d2430;font-size:14px;padding:8px}" +
    ".tabs button[aria-pressed=true]{background:#1f5fbf;color:#fff}" +
    "label{display:block;font-weight:600;margin:10px 0 4px}.opt{font-weight:400;color:#5d6878}" +
    "input,select,textarea{display:block;width:100%;font:inherit;padding:8px;border:1px solid #b9c1cc;border-radius:6px;background:#fff;color:#1d2430}" +
    "textarea{min-height:96px;resize:vertical}[aria-invalid=true]{border-color:#b3261e;border-width:2px}" +
    ".err{color:#b3261e;margin:4px 0 0;font-size:14px}.err:empty{display:none}.hint{color:#5d6878;font-size:13px;margin:4px 0 0}" +
    ".hp{position:absolute;inset-inline-start:-10000px;width:1px;height:1px;overflow:hidden}" +
    ".act{display:flex;gap:8px;margin-top:14px}.act .sec{background:#eef1f5;color:#1d2430}" +
    ".ok{background:#e6f4ea;border-radius:8px;padding:12px;margin-top:8px}.ref{font-family:ui-monospace,monospace;font-size:18px;font-weight:700}" +
    ".stmt{background:#f6f7f9;border-inline-start:4px solid #1f5fbf;padding:8px 12px;margin:8px 0}" +
    "a{color:#1f5fbf}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    "@media (max-width:480px){.w{inset:auto 8px 8px 8px}.panel{width:100%;max-height:calc(100vh - 16px)}}";

  var lang, t, root, wrap, launcher, panel, mode = "c", step = 1, idem = {};

  function pickLang() {
    var attr = (script.getAttribute("data-lang") || "").slice(0, 2);
    if (LANGS.indexOf(attr) >= 0) return attr;
    var prefs = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < prefs.length; i++) {
      var l = String(prefs[i]).slice(0, 2).toLowerCase();
      if (LANGS.indexOf(l) >= 0) return l;
    }
    return LANGS.indexOf(cfg.language) >= 0 ? cfg.language : "fr";
  }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return v[k] != null ? v[k] : m; }); }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function field(id, label, input, optional, hint) {
    input.id = "hd-" + id;
    input.name = id;
    var err = el("p", { "class": "err", id: "hd-" + id + "-err", "aria-live": "polite" });
    var hintEl = hint ? el("p", { "class": "hint", id: "hd-" + id + "-hint", text: hint }) : null;
    input.setAttribute("aria-describedby", (hintEl ? hintEl.id + " " : "") + err.id);
    if (!optional) { input.setAttribute("required", ""); input.setAttribute("aria-required", "true"); }
    var lab = el("label", { "for": input.id }, [label, optional ? null : el("span", { "class": "opt" }, [" *", el("span", { "class": "sr", text: " (" + t.req + ")" })])]);
    return el("div", { "class": "f", "data-field": id }, [lab, input, hintEl, err]);
  }

  function complaintForm() {
    var cat = el("select", {}, [el("option", { value: "", text: t.catNone })].concat(
      ["late_delivery", "return", "non_conformity", "other"].map(function (c) { return el("option", { value: c, text: t[c] }); })));
    var files = el("input", { type: "file", multiple: true, accept: cfg.accept.concat([".heic", ".pdf"]).join(",") });
    return el("form", { novalidate: true, onsubmit: submit }, [
      field("email", t.email, el("input", { type: "email", autocomplete: "email", maxlength: 254 })),
      field("name", t.name, el("input", { type: "text", autocomplete: "name", maxlength: 200 }), true),
      field("order_number", t.order, el("input", { type: "text", maxlength: 64 }), true),
      field("category_hint", t.cat, cat, true),
      field("message", t.msg, el("textarea", { maxlength: 20000 })),
      field("files", t.files, files, true, fmt(t.filesHint, { n: cfg.max_files, mb: Math.floor(cfg.max_file_bytes / 1048576) })),
      honeypot(),
      el("p", { "class": "err", id: "hd-form-err", role: "alert" }),
      el("div", { "class": "act" }, [el("button", { type: "submit", text: t.send })])
    ]);
  }

  function honeypot() {
    return el("div", { "class": "hp", "aria-hidden": "true" }, [el("label", { "for": "hd-website", text: "Website" }),
      el("input", { id: "hd-website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" })]);
  }

  function withdrawalForm() {
    var f = el("form", { novalidate: true, onsubmit: submit }, [
      el("p", { text: t.wIntro }),
      field("name", t.name, el("input", { type: "text", autocomplete: "name", maxlength: 200 })),
      field("email", t.email, el("input", { type: "email", autocomplete: "email", maxlength: 254 })),
      field("order_number", t.order, el("input", { type: "text", maxlength: 64 })),
      field("message", t.wNote, el("textarea", { maxlength: 5000 }), true),
      honeypot(),
      el("div", { "class": "confirm", hidden: true }, [el("p", { text: t.wCheck }), el("p", { "class": "stmt", id: "hd-stmt" })]),
      el("p", { "class": "err", id: "hd-form-err", role: "alert" }),
      el("div", { "class": "act" }, [
        el("button", { type: "button", "class": "sec", hidden: true, text: t.back, onclick: function () { setStep(1); } }),
        el("button", { type: "submit", text: t.cont })])
    ]);
    return f;
  }

  function setStep(n) {
    step = n;
    var f = panel.querySelector("form"), box = f.querySelector(".confirm"), btns = f.querySelectorAll(".act button");
    box.hidden = n !== 2;
    btns[0].hidden = n !== 2;
    btns[1].textContent = n === 2 ? t.confirm : t.cont;
    f.querySelectorAll(".f input,.f textarea").forEach(function (i) { i.readOnly = n === 2; });
    if (n === 2) {
      f.querySelector("#hd-stmt").textContent = fmt(t.statement, { o: f.elements.order_number.value.trim() });
      btns[1].focus();
    } else f.elements.name.focus();
  }

  function clearErrors(f) {
    f.querySelectorAll(".err").forEach(function (e) { e.textContent = ""; });
    f.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
  }

  function showErrors(f, errors) {
    var first = null, general = [];
    Object.keys(errors).forEach(function (k) {
      var msgs = errors[k], text = Array.isArray(msgs) ? msgs.join(" ") : typeof msgs === "object" ? JSON.stringify(msgs) : String(msgs);
      var box = f.querySelector('[data-field="' + k + '"]');
      if (!box) { general.push(text); return; }
      box.querySelector(".err").textContent = text;
      var input = box.querySelector("input,select,textarea");
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    });
    f.querySelector("#hd-form-err").textContent = general.length ? general.join(" ") : t.eFix;
    if (first) { if (mode === "w" && step === 2) setStep(1); first.focus(); }
  }

  function check(f) {
    var e = {}, v = function (n) { return f.elements[n] ? f.elements[n].value.trim() : ""; };
    var required = mode === "c" ? ["email", "message"] : ["name", "email", "order_number"];
    required.forEach(function (n) { if (!v(n)) e[n] = [t.eReq]; });
    if (v("email") && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v("email"))) e.email = [t.eEmail];
    var files = f.elements.files ? Array.prototype.slice.call(f.elements.files.files) : [], fe = [];
    if (files.length > cfg.max_files) fe.push(fmt(t.eCount, { n: cfg.max_files }));
    files.forEach(function (file) {
      var ext = (file.name.split(".").pop() || "").toLowerCase();
      if (cfg.accept.indexOf(file.type) < 0 && ["heic", "pdf"].indexOf(ext) < 0) fe.push(fmt(t.eType, { f: file.name }));
      else if (file.size > cfg.max_file_bytes) fe.push(fmt(t.eSize, { f: file.name, mb: Math.floor(cfg.max_file_bytes / 1048576) }));
    });
    if (fe.length) e.files = fe;
    return e;
  }

  function submit(ev) {
    ev.preventDefault();
    var f = ev.target, btn = f.querySelector("button[type=submit]");
    clearErrors(f);
    var errors = check(f);
    if (Object.keys(errors).length) return showErrors(f, errors);
    if (mode === "w" && step === 1) return setStep(2);
    var data = new FormData(f);
    if (mode === "w") data.append("confirm", "true");
    idem[mode] = idem[mode] || newKey();
    data.append("idempotency_key", idem[mode]);
    var label = btn.textContent;
    btn.disabled = true;
    btn.textContent = t.sending;
    fetch(BASE + (mode === "c" ? "/complaints" : "/withdrawals"), {
      method: "POST", body: data, headers: { "Accept-Language": lang }, credentials: "omit"
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      btn.disabled = false;
      btn.textContent = label;
      if (res.status === 201) { idem[mode] = null; return done(res.body); }
      if (res.status === 422) return showErrors(f, res.body.errors || {});
      f.querySelector("#hd-form-err").textContent = res.status === 429 ? t.eRate : t.eNet;
    }, function () {
      btn.disabled = false;
      btn.textContent = label;
      f.querySelector("#hd-form-err").textContent = t.eNet;
    });
  }

  function done(body) {
    var f = panel.querySelector("form"), kids = [];
    if (mode === "w") {
      var when = new Date(body.received_at);
      kids.push(el("p", { text: fmt(t.wDone, { d: when.toLocaleString(lang === "ar" ? "ar-MA" : lang, { dateStyle: "full", timeStyle: "medium" }) }) }));
      kids.push(el("p", { "class": "stmt", text: body.statement || "" }));
      kids.push(el("p", { text: body.acknowledgement_sent_by_email === false ? body.message : fmt(t.wMail, { e: f.elements.email.value.trim() }) }));
    } else kids.push(el("p", { text: t.thanks }));
    kids.push(el("p", {}, [t.yourRef + " ", el("span", { "class": "ref", text: body.ref })]));
    if (body.link_sent_by_email) kids.push(el("p", { text: t.joined }));  // the link goes to the ticket's own address
    else kids.push(el("p", {}, [el("a", { href: body.portal_url, target: "_blank", rel: "noopener", text: t.follow })]));
    var ok = el("div", { "class": "ok", role: "status", tabindex: "-1" }, kids);
    f.replaceWith(ok);
    ok.focus();
  }

  function tab(m) {
    mode = m;
    step = 1;
    panel.querySelectorAll(".tabs button").forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-m") === m)); });
    var old = panel.querySelector("form,.ok"), form = m === "c" ? complaintForm() : withdrawalForm();
    form.setAttribute("aria-label", m === "c" ? t.tabC : t.tabW);
    old ? old.replaceWith(form) : panel.appendChild(form);
  }

  function open() {
    if (!panel) {
      panel = el("div", { "class": "panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "hd-title", onkeydown: keys }, [
        el("div", { "class": "head" }, [el("h2", { id: "hd-title", text: cfg.merchant ? t.title + " · " + cfg.merchant : t.title }),
          el("button", { type: "button", "class": "x", "aria-label": t.close, text: "×", onclick: close })]),
        el("div", { "class": "tabs", role: "group" }, [
          el("button", { type: "button", "data-m": "c", "aria-pressed": "true", text: t.tabC, onclick: function () { tab("c"); } }),
          el("button", { type: "button", "data-m": "w", "aria-pressed": "false", text: t.tabW, onclick: function () { tab("w"); } })])
      ]);
      wrap.appendChild(panel);
      tab("c");
    }
    panel.hidden = false;
    launcher.hidden = true;
    panel.querySelector("input,button").focus();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.focus();
  }

  function keys(ev) {
    if (ev.key === "Escape") return close();
    if (ev.key !== "Tab") return;
    var items = Array.prototype.filter.call(panel.querySelectorAll("button,input,select,textarea,a[href],[tabindex='-1'].ok"),
      function (e) { return !e.disabled && !e.hidden && e.offsetParent !== null && e.tabIndex >= 0; });
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1], at = root.activeElement;
    if (ev.shiftKey && at === first) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && at === last) { ev.preventDefault(); first.focus(); }
  }

  function mount() {
    lang = pickLang();
    t = T[lang];
    var host = el("div", { "data-helpdesk-widget": "" });
    root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);  // not an inline <style>: works under a shop's strict style-src too
      root.adoptedStyleSheets = [sheet];
    } else root.appendChild(el("style", { text: CSS }));
    wrap = el("div", { "class": "w", dir: lang === "ar" ? "rtl" : "ltr", lang: lang });
    launcher = el("button", { type: "button", "class": "launch", "aria-haspopup": "dialog", text: t.open, onclick: open });
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    document.body.appendChild(host);
    if (script.getAttribute("data-open")) open();
  }

  fetch(BASE + "/config", { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : {}; }).then(function (c) {
    for (var k in c) cfg[k] = c[k];
  }, function () {
    if (window.console) console.warn("helpdesk widget: settings not reached; is this site listed among the shop's allowed origins?");
  }).then(function () {
    if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  });
})();
