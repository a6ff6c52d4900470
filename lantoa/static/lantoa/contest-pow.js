// The proof-of-work asked before a contest attempt starts (lantoa.contests.integrity): find a
// suffix such that SHA-256 of "nonce:suffix" starts with data-pow-bits zero bits, put it in
// the form, then send the form. WebCrypto where the page is a secure context; a small
// SHA-256 of our own elsewhere (a demo on plain HTTP). No third-party service.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-pow]");
  if (!forms.length) return;

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      if (b === 0) { bits += 8; continue; }
      while ((b & 0x80) === 0) { bits += 1; b <<= 1; }
      return bits;
    }
    return bits;
  }

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  // SHA-256 (FIPS 180-4) for browsers without crypto.subtle.
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
  function sha256(data) {
    var length = data.length;
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[length] = 0x80;
    var bitsLow = (length * 8) >>> 0;
    var bitsHigh = Math.floor(length / 0x20000000);
    var end = padded.length;
    padded[end - 8] = bitsHigh >>> 24; padded[end - 7] = bitsHigh >>> 16;
    padded[end - 6] = bitsHigh >>> 8; padded[end - 5] = bitsHigh;
    padded[end - 4] = bitsLow >>> 24; padded[end - 3] = bitsLow >>> 16;
    padded[end - 2] = bitsLow >>> 8; padded[end - 1] = bitsLow;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var off = 0; off < end; off += 64) {
      for (var t = 0; t < 16; t++) {
        var j = off + t * 4;
        w[t] = ((padded[j] << 24) | (padded[j + 1] << 16) | (padded[j + 2] << 8) | padded[j + 3]) >>> 0;
      }
      for (t = 16; t < 64; t++) {
        var s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
        var s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) >>> 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var ch = (e & f) ^ (~e & g);
        var t1 = (k + S1 + ch + K[t] + w[t]) >>> 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) >>> 0;
        k = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      h[0] = (h[0] + a) >>> 0; h[1] = (h[1] + b) >>> 0; h[2] = (h[2] + c) >>> 0; h[3] = (h[3] + d) >>> 0;
      h[4] = (h[4] + e) >>> 0; h[5] = (h[5] + f) >>> 0; h[6] = (h[6] + g) >>> 0; h[7] = (h[7] + k) >>> 0;
    }
    var out = new Uint8Array(32);
    for (var i = 0; i < 8; i++) {
      out[i * 4] = h[i] >>> 24; out[i * 4 + 1] = h[i] >>> 16; out[i * 4 + 2] = h[i] >>> 8; out[i * 4 + 3] = h[i];
    }
    return out;
  }

  var subtle = window.crypto && window.crypto.subtle && window.isSecureContext ? window.crypto.subtle : null;

  function solve(nonce, bits) {
    var counter = 0;
    return new Promise(function (resolve) {
      function batch() {
        if (!subtle) {
          for (var n = 0; n < 2000; n++, counter++) {
            if (zeroBits(sha256(utf8(nonce + ":" + counter))) >= bits) return resolve(String(counter));
          }
          return window.setTimeout(batch, 0);
        }
        var tries = [];
        for (var m = 0; m < 256; m++, counter++) {
          tries.push(subtle.digest("SHA-256", utf8(nonce + ":" + counter)));
        }
        var first = counter - 256;
        Promise.all(tries).then(function (digests) {
          for (var i = 0; i < digests.length; i++) {
            if (zeroBits(new Uint8Array(digests[i])) >= bits) return resolve(String(first + i));
          }
          batch();
        });
      }
      batch();
    });
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var suffix = form.querySelector("input[name=pow_suffix]");
      if (suffix.value) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
        button.textContent = form.getAttribute("data-pow-wait") || button.textContent;
      }
      var nonce = form.querySelector("input[name=pow_nonce]").value;
      var bits = parseInt(form.getAttribute("data-pow-bits"), 10) || 0;
      solve(nonce, bits).then(function (found) {
        suffix.value = found;
        form.submit();
      });
    });
  });
})();
