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
  // Organisation pickers of a large scope (web/picker.go): a text box that
  // searches by name as one types, a list to pick from with the mouse or
  // ↑↓ Enter (Esc puts back what was chosen), and the hidden field the
  // form posts. Text that names no pick keeps the form from submitting.
  document.querySelectorAll('[data-orgpick]').forEach(function (box, n) {
    var hidden = box.querySelector('input[type="hidden"]');
    var text = box.querySelector('input[type="text"]');
    var list = document.createElement('ul');
    list.className = 'orgpick-list';
    list.id = 'orgpick-list-' + n;
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    box.appendChild(list);
    text.setAttribute('aria-controls', list.id);
    var chosen = { id: hidden.value, name: text.value };
    var items = [], active = -1, asked = 0, timer = null;
    var mark = function () {
      text.setCustomValidity(hidden.value !== '' ? '' : text.value !== '' ? '请从列表中选择党组织'
        : text.required ? '请选择党组织' : '');
    };
    mark();
    var close = function () { list.hidden = true; text.setAttribute('aria-expanded', 'false'); active = -1; };
    var highlight = function (i) {
      if (active >= 0 && list.children[active]) list.children[active].classList.remove('active');
      active = i;
      if (i < 0) { text.removeAttribute('aria-activedescendant'); return; }
      list.children[i].classList.add('active');
      list.children[i].scrollIntoView({ block: 'nearest' });
      text.setAttribute('aria-activedescendant', list.children[i].id);
    };
    var pick = function (o) {
      chosen = { id: String(o.id), name: o.name };
      hidden.value = chosen.id;
      text.value = chosen.name;
      mark();
      close();
    };
    var note = function (msg) {
      list.innerHTML = '';
      var li = document.createElement('li');
      li.className = 'orgpick-note';
      li.textContent = msg;
      list.appendChild(li);
    };
    var show = function (found, more) {
      items = found;
      list.innerHTML = '';
      if (!found.length) note('无匹配的党组织');
      found.forEach(function (o, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        var name = document.createElement('span');
        name.textContent = o.name;
        var path = document.createElement('small');
        path.textContent = o.path;
        li.append(name, path);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); pick(o); });
        list.appendChild(li);
      });
      if (more) {
        var li = document.createElement('li');
        li.className = 'orgpick-note';
        li.textContent = '仅列出前 ' + found.length + ' 个，请输入更多文字缩小范围';
        list.appendChild(li);
      }
      list.hidden = false;
      text.setAttribute('aria-expanded', 'true');
      active = -1;
    };
    var search = function () {
      var ask = ++asked;
      fetch(box.getAttribute('data-orgpick') + '?q=' + encodeURIComponent(text.value.trim()),
        { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (res) { if (ask === asked && document.activeElement === text) show(res.items, res.more); })
        .catch(function () { if (ask === asked) { note('暂时无法查找，请稍后重试'); list.hidden = false; } });
    };
    text.addEventListener('focus', function () { text.select(); search(); });
    text.addEventListener('input', function () {
      hidden.value = '';
      mark();
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    text.addEventListener('keydown', function (e) {
      var n = list.hidden ? 0 : items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (list.hidden) { search(); return; }
        if (n) highlight(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
      } else if (e.key === 'Enter' && !list.hidden) {
        e.preventDefault(); // Enter picks; it submits the form once the list is closed
        if (active >= 0) pick(items[active]);
        else if (n === 1) pick(items[0]);
      } else if (e.key === 'Escape' && !list.hidden) {
        e.preventDefault();
        hidden.value = chosen.id;
        text.value = chosen.name;
        mark();
        close();
      }
    });
    text.addEventListener('blur', function () { close(); mark(); });
  });
});
