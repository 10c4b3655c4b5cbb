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
  // searches by name or pinyin as one types, a list to pick from with the
  // mouse or ↑↓ Enter (Esc puts back what was chosen), and the hidden field
  // the form posts. Text that names no pick keeps the form from submitting.
  // A multiple picker adds each pick as a chip with its own hidden field and
  // a remove button (Backspace in the empty box removes the last one).
  document.querySelectorAll('[data-orgpick]').forEach(function (box, n) {
    var multi = box.classList.contains('orgpick-multi');
    var chips = box.querySelector('.orgpick-chips');
    var hidden = multi ? null : box.querySelector('input[type="hidden"]');
    var text = box.querySelector('input[type="text"]');
    var required = multi ? text.hasAttribute('data-required') : text.required;
    var list = document.createElement('ul');
    list.className = 'orgpick-list';
    list.id = 'orgpick-list-' + n;
    list.setAttribute('role', 'listbox');
    if (multi) list.setAttribute('aria-multiselectable', 'true');
    list.hidden = true;
    box.appendChild(list);
    text.setAttribute('aria-controls', list.id);
    var url = box.getAttribute('data-orgpick');
    url += url.indexOf('?') < 0 ? '?q=' : '&q=';
    var chosen = multi ? null : { id: hidden.value, name: text.value };
    var items = [], active = -1, asked = 0, timer = null;
    var picked = function () {
      return multi ? Array.prototype.map.call(chips.querySelectorAll('input[type="hidden"]'), function (h) { return h.value; })
        : hidden.value !== '' ? [hidden.value] : [];
    };
    var mark = function () {
      var none = picked().length === 0;
      text.setCustomValidity(multi
        ? (text.value !== '' ? '请从列表中选择党组织' : required && none ? '请至少选择一个党组织' : '')
        : (!none ? '' : text.value !== '' ? '请从列表中选择党组织' : required ? '请选择党组织' : ''));
    };
    var close = function () { list.hidden = true; text.setAttribute('aria-expanded', 'false'); active = -1; };
    var highlight = function (i) {
      if (active >= 0 && list.children[active]) list.children[active].classList.remove('active');
      active = i;
      if (i < 0) { text.removeAttribute('aria-activedescendant'); return; }
      list.children[i].classList.add('active');
      list.children[i].scrollIntoView({ block: 'nearest' });
      text.setAttribute('aria-activedescendant', list.children[i].id);
    };
    var unchip = function (chip) { chip.remove(); mark(); text.focus(); };
    if (multi) {
      chips.querySelectorAll('.orgpick-chip').forEach(function (chip) {
        chip.querySelector('button').addEventListener('click', function () { unchip(chip); });
      });
    }
    var pick = function (o) {
      if (multi) {
        if (picked().indexOf(String(o.id)) < 0) {
          var chip = document.createElement('span');
          chip.className = 'orgpick-chip';
          var h = document.createElement('input');
          h.type = 'hidden';
          h.name = box.getAttribute('data-name');
          h.value = String(o.id);
          var label = document.createElement('span');
          label.textContent = o.name;
          var rm = document.createElement('button');
          rm.type = 'button';
          rm.className = 'orgpick-remove';
          rm.title = '移除';
          rm.setAttribute('aria-label', '移除' + o.name);
          rm.textContent = '×';
          rm.addEventListener('click', function () { unchip(chip); });
          chip.append(h, label, rm);
          chips.appendChild(chip);
        }
        text.value = '';
      } else {
        chosen = { id: String(o.id), name: o.name };
        hidden.value = chosen.id;
        text.value = chosen.name;
      }
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
      var have = picked();
      found.forEach(function (o, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        var name = document.createElement('span');
        name.textContent = o.name;
        if (multi && have.indexOf(String(o.id)) >= 0) {
          li.setAttribute('aria-selected', 'true');
          name.textContent += '（已选）';
        }
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
      fetch(url + encodeURIComponent(text.value.trim()),
        { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (res) { if (ask === asked && document.activeElement === text) show(res.items, res.more); })
        .catch(function () { if (ask === asked) { note('暂时无法查找，请稍后重试'); list.hidden = false; } });
    };
    mark();
    text.addEventListener('focus', function () { text.select(); search(); });
    text.addEventListener('input', function () {
      if (!multi) hidden.value = '';
      mark();
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    var held = false; // Enter picked: its keypress must not submit either
    text.addEventListener('keypress', function (e) { if (e.key === 'Enter' && held) e.preventDefault(); });
    text.addEventListener('keydown', function (e) {
      var n = list.hidden ? 0 : items.length;
      held = false;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (list.hidden) { search(); return; }
        if (n) highlight(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
      } else if (e.key === 'Enter' && !list.hidden) {
        e.preventDefault(); // Enter picks; it submits the form once the list is closed
        held = true;
        if (active >= 0) pick(items[active]);
        else if (n === 1) pick(items[0]);
      } else if (e.key === 'Escape' && !list.hidden) {
        e.preventDefault();
        if (multi) text.value = '';
        else { hidden.value = chosen.id; text.value = chosen.name; }
        mark();
        close();
      } else if (e.key === 'Backspace' && multi && text.value === '' && chips.lastElementChild) {
        unchip(chips.lastElementChild);
      }
    });
    text.addEventListener('blur', function () { close(); mark(); });
  });
});
