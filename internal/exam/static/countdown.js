// Shows the time left; the deadline itself is enforced by the server.
(function () {
  var el = document.getElementById('countdown');
  if (!el) return;
  var offset = parseInt(el.getAttribute('data-now'), 10) - Date.now();
  var deadline = parseInt(el.getAttribute('data-deadline'), 10);
  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now() - offset) / 1000));
    el.textContent = Math.floor(left / 60) + ' 分 ' + (left % 60) + ' 秒';
  }
  tick();
  setInterval(tick, 1000);
})();
