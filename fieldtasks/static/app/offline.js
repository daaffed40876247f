// The workers' app outbox: a photo (always: a flaky network loses nothing), or a task handed in without a connection,
// is kept on the phone (IndexedDB) and sent when the connection comes back, in the order it was done, one at a time, each with its own
// Idempotency-Key (the form's): a retry never makes a second photo. The page says what waits. Each is sent with the
// session's CSRF token of the moment (the page it was done on may be older than the last sign-in). Any other form
// needs the connection: offline, the page says so instead of failing.
(() => {
  const DB = "fieldtasks-app", STORE = "outbox";
  const words = JSON.parse(document.getElementById("outbox-words").textContent);

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, {keyPath: "key"});
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, action) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  }

  const all = async () => (await run("readonly", (store) => store.getAll())).sort((a, b) => a.at - b.at);
  const keep = (entry) => run("readwrite", (store) => store.put(entry));
  const forget = (key) => run("readwrite", (store) => store.delete(key));

  function say(text) {
    const banner = document.getElementById("outbox");
    banner.hidden = !text;
    banner.textContent = text;
  }

  async function show() {
    const waiting = await all();
    const photos = waiting.filter((entry) => entry.file).length;
    const parts = [];
    if (photos === 1) parts.push(words.one);
    if (photos > 1) parts.push(words.many.replace("{count}", photos));
    if (waiting.length > photos) parts.push(words.handin);
    say(parts.join(" "));
  }

  async function freshCsrf() {
    const response = await fetch("/app/csrf", {credentials: "same-origin", cache: "no-store"});
    if (!response.ok || response.redirected) return null;  // signed out: everything waits for the next sign-in
    return (await response.json()).csrf;
  }

  let sending = false;
  async function flush() {
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      const csrf = await freshCsrf();
      for (const entry of csrf ? await all() : []) {
        const body = new FormData();
        for (const [name, value] of Object.entries(entry.fields)) body.append(name, name === "csrf" ? csrf : value);
        if (entry.file) body.append("file", entry.file, entry.filename);
        const response = await fetch(entry.url, {method: "POST", body, headers: {"Idempotency-Key": entry.key},
                                                 credentials: "same-origin"});
        if (response.ok && !new URL(response.url).pathname.endsWith("/login")) await forget(entry.key);
        else break;  // signed out, or refused: kept, and shown
      }
    } catch (error) {
      // offline again: the rest waits
    } finally {
      sending = false;
      await show();
    }
  }

  for (const form of document.querySelectorAll("form.outbox")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.outbox === "offline" && navigator.onLine && (await all()).length === 0) {
        form.submit();  // connected, nothing waiting before it: sent as any form (the page then says how it went)
        return;
      }
      const data = new FormData(form);
      const file = data.get("file");
      const fields = {};
      for (const [name, value] of data.entries()) if (name !== "file") fields[name] = value;
      const entry = {key: fields.key, url: form.action, fields, at: Date.now()};
      if (file) Object.assign(entry, {file, filename: file.name || "photo.jpg"});
      await keep(entry);
      form.reset();
      form.querySelector("button").textContent = words.kept;
      await show();
      if (navigator.onLine) {
        await flush();
        if ((await all()).length === 0) location.reload();  // sent: the page shows it
      }
    });
  }

  for (const form of document.querySelectorAll("form[method=post]:not(.outbox)")) {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      say(words.needs_connection);
    });
  }

  window.addEventListener("online", () => flush().then(() => location.reload()));
  show().then(flush);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", {scope: "/app/"});
})();
