// Optional proof of work: solves the server's challenge before the form is sent.
// Without JavaScript the reporter waits the time the page states instead.
(function () {
  "use strict";
  function zeroBits(bytes) {
    let bits = 0;
    for (const b of bytes) {
      if (b === 0) { bits += 8; continue; }
      return bits + Math.clz32(b) - 24;
    }
    return bits;
  }
  async function solve(token, bits) {
    const encoder = new TextEncoder();
    for (let counter = 0; ; counter++) {
      const digest = await crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + counter));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return String(counter); }
    }
  }
  for (const form of document.querySelectorAll("form[data-pow-bits]")) {
    const bits = parseInt(form.dataset.powBits, 10);
    if (!bits || !window.crypto || !crypto.subtle) { continue; }
    form.addEventListener("submit", async function (event) {
      const solution = form.querySelector("input[name=solution]");
      if (solution.value) { return; }
      event.preventDefault();
      const token = form.querySelector("input[name=challenge]").value;
      solution.value = await solve(token, bits);
      form.submit();
    });
  }
})();
