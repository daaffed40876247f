// The workers' app outbox: a photo taken without a connection is kept on the phone (IndexedDB) and sent when the
// connection comes back, one at a time, each with its own Idempotency-Key (the form's): a retry never makes a
// second photo. The page says how many wait.
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

  const all = () => run("readonly", (store) => store.getAll());
  const keep = (entry) => run("readwrite", (store) => store.put(entry));
  const forget = (key) => run("readwrite", (store) => store.delete(key));

  async function show() {
    const waiting = (await all()).length;
    const banner = document.getElementById("outbox");
    banner.hidden = waiting === 0;
    banner.textContent = waiting === 1 ? words.one : words.many.replace("{count}", waiting);
  }

  let sending = false;
  async function flush() {
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      for (const entry of await all()) {
        const body = new FormData();
        for (const [name, value] of Object.entries(entry.fields)) body.append(name, value);
        body.append("file", entry.file, entry.filename);
        let response;
        try {
          response = await fetch(entry.url, {method: "POST", body, headers: {"Idempotency-Key": entry.key}, credentials: "same-origin"});
        } catch (error) {
          break;  // offline again: the rest waits
        }
        if (response.ok && !new URL(response.url).pathname.endsWith("/login")) await forget(entry.key);
        else break;  // signed out, or refused: kept, and shown
      }
    } finally {
      sending = false;
      await show();
    }
  }

  for (const form of document.querySelectorAll("form.photo-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const file = data.get("file");
      const fields = {};
      for (const [name, value] of data.entries()) if (name !== "file") fields[name] = value;
      await keep({key: fields.key, url: form.action, fields, file, filename: file.name || "photo.jpg", at: Date.now()});
      form.reset();
      form.querySelector("button").textContent = words.kept;
      await show();
      if (navigator.onLine) {
        await flush();
        if ((await all()).length === 0) location.reload();  // sent: the page shows it
      }
    });
  }

  window.addEventListener("online", () => flush().then(() => location.reload()));
  show().then(flush);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", {scope: "/app/"});
})();
