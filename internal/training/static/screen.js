// Reloads the venue's QR code so that the code on the screen never expires.
(function () {
  var img = document.getElementById('qr');
  if (!img) return;
  var every = parseInt(img.getAttribute('data-refresh'), 10) || 20000;
  setInterval(function () {
    img.src = img.getAttribute('data-src') + '?ts=' + Date.now();
  }, every);
})();
