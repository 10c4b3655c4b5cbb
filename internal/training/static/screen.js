// The 签到大屏: reloads the venue's QR code so that the code on the screen
// never expires, polls the live count, and goes full screen on request.
(function () {
  var img = document.getElementById('qr');
  if (img) {
    var every = parseInt(img.getAttribute('data-refresh'), 10) || 20000;
    setInterval(function () {
      img.src = img.getAttribute('data-src') + '?ts=' + Date.now();
    }, every);
  }
  var tally = document.getElementById('tally');
  if (tally) {
    var status = document.getElementById('tally-status');
    var poll = function () {
      fetch(tally.getAttribute('data-url'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (t) {
          document.getElementById('present').textContent = t.present;
          document.getElementById('expected').textContent = t.expected;
          status.textContent = '人数每 5 秒自动刷新';
        })
        .catch(function () { status.textContent = '人数暂时无法刷新，正在重试…'; });
    };
    setInterval(poll, parseInt(tally.getAttribute('data-refresh'), 10) || 5000);
  }
  var full = document.getElementById('fullscreen');
  if (full) {
    full.addEventListener('click', function () {
      var el = document.documentElement;
      if (el.requestFullscreen) el.requestFullscreen();
    });
    document.addEventListener('fullscreenchange', function () {
      full.hidden = !!document.fullscreenElement;
    });
  }
})();
