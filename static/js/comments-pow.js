/*
 * The comment form's proof of work: find a counter c such that SHA-256("<challenge>:<c>") starts with
 * `difficulty` zero bits, and put it in the hidden "pow" field. It runs by itself as soon as the page
 * loads, in short slices so the page stays responsive; the person never has to do anything. Without
 * this script the form still works, under a stricter limit on the server.
 *
 * SHA-256 is written out here (for ASCII input) because crypto.subtle exists only on HTTPS pages and
 * costs a promise per hash.
 */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var W = new Uint32Array(64);
  var H = new Uint32Array(8);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // The 8 words of SHA-256 of an ASCII string.
  function sha256(text) {
    var length = text.length;
    var blocks = ((length + 8) >> 6) + 1;
    var words = new Uint32Array(blocks * 16);
    for (var i = 0; i < length; i++) { words[i >> 2] |= text.charCodeAt(i) << (24 - (i % 4) * 8); }
    words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    words[blocks * 16 - 1] = length * 8;
    H[0] = 0x6a09e667; H[1] = 0xbb67ae85; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a;
    H[4] = 0x510e527f; H[5] = 0x9b05688c; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
    for (var block = 0; block < blocks; block++) {
      for (var t = 0; t < 64; t++) {
        if (t < 16) { W[t] = words[block * 16 + t]; } else {
          var w15 = W[t - 15], w2 = W[t - 2];
          var s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
          var s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var ch = (e & f) ^ (~e & g);
        var t1 = (h + S1 + ch + K[t] + W[t]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
    return H;
  }

  function leadingZeroBits(hash) {
    var bits = 0;
    for (var i = 0; i < 8; i++) {
      if (hash[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(hash[i]);
    }
    return bits;
  }

  function start(form) {
    var challenge = form.getAttribute("data-pow-challenge");
    var difficulty = parseInt(form.getAttribute("data-pow-difficulty"), 10) || 0;
    var field = form.querySelector("input[name=pow]");
    var status = document.getElementById(form.getAttribute("data-pow-status"));
    if (!challenge || !field) { return; }
    var counter = 0, solved = false, sendWhenSolved = false, announced = false;
    var began = Date.now();

    function say(text) { if (status) { status.textContent = text; } }

    function slice() {
      var until = Date.now() + 30;
      while (Date.now() < until) {
        for (var i = 0; i < 2000; i++, counter++) {
          if (leadingZeroBits(sha256(challenge + ":" + counter)) >= difficulty) {
            field.value = String(counter);
            solved = true;
            if (announced || sendWhenSolved) { say(form.getAttribute("data-pow-ready")); }
            if (sendWhenSolved) { form.submit(); }
            return;
          }
        }
      }
      if (!announced && Date.now() - began > 1000) {
        announced = true;
        say(form.getAttribute("data-pow-working"));
      }
      setTimeout(slice, 0);
    }

    form.addEventListener("submit", function (event) {
      if (solved) { return; }
      event.preventDefault();
      sendWhenSolved = true;
      say(form.getAttribute("data-pow-waiting"));
    });
    slice();
  }

  var forms = document.querySelectorAll("form[data-pow-challenge]");
  for (var i = 0; i < forms.length; i++) { start(forms[i]); }
})();
