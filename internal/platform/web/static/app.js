// Small progressive enhancements; every page works without them.
document.addEventListener('DOMContentLoaded', function () {
  // Confirm destructive actions: <button data-confirm="确定解散？">.
  document.querySelectorAll('[data-confirm]').forEach(function (el) {
    el.addEventListener('click', function (e) {
      if (!window.confirm(el.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  // Print buttons: <button data-print>.
  document.querySelectorAll('[data-print]').forEach(function (el) {
    el.addEventListener('click', function () { window.print(); });
  });
  // Navigation menus: one open at a time, closed by a click elsewhere or Esc.
  var menus = document.querySelectorAll('details.navgroup');
  menus.forEach(function (d) {
    d.addEventListener('toggle', function () {
      if (d.open) menus.forEach(function (o) { if (o !== d) o.open = false; });
    });
  });
  document.addEventListener('click', function (e) {
    menus.forEach(function (d) { if (!d.contains(e.target)) d.open = false; });
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') menus.forEach(function (d) { d.open = false; });
  });
  // Auto-submit filter selects: <select data-autosubmit>.
  document.querySelectorAll('[data-autosubmit]').forEach(function (el) {
    el.addEventListener('change', function () { el.form.submit(); });
  });
  // File pickers: the browser's own button and "no file" text speak the
  // browser's language (English on an English system), so a Chinese label
  // and the chosen names stand in for them. A label, not a button: it opens
  // the picker by itself and is no form's submit button. The input stays
  // in the form, out of sight but focusable, so the keyboard reaches it and
  // `required` still reports on it.
  document.querySelectorAll('input[type="file"]').forEach(function (input, i) {
    if (!input.id) input.id = 'file-input-' + i;
    var pick = document.createElement('label');
    pick.htmlFor = input.id;
    pick.className = 'button secondary file-pick';
    pick.textContent = '选择文件';
    var chosen = document.createElement('span');
    chosen.className = 'muted small file-chosen';
    var show = function () {
      chosen.textContent = input.files.length
        ? Array.prototype.map.call(input.files, function (f) { return f.name; }).join('、')
        : '未选择文件';
    };
    show();
    input.classList.add('file-native');
    input.after(pick, chosen);
    input.addEventListener('change', show);
  });
});
