// Fundus: small enhancements for pages that work without JavaScript.
// Suggestions while typing, filters that apply when ticked, copy buttons.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // Only ever navigate to paths on this site.
  function localURL(u) {
    return typeof u === 'string' && u.charAt(0) === '/' && u.charAt(1) !== '/' && u.charAt(1) !== '\\';
  }

  // Suggestions: a combobox with a listbox, following the ARIA pattern.
  function setupSuggest(input) {
    var listId = input.id + '-list';
    var list = document.createElement('ul');
    list.id = listId;
    list.className = 'suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', input.dataset.labelList || '');
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = '';
    var picked = false;

    // A picked suggestion navigates; the Enter that picked it must not
    // also submit the form (some synthetic key events still would).
    if (input.form) {
      input.form.addEventListener('submit', function (e) {
        if (picked) e.preventDefault();
      });
    }

    function close() {
      list.hidden = true;
      list.textContent = '';
      items = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function setActive(i) {
      if (active >= 0 && items[active]) {
        items[active].classList.remove('active');
        items[active].setAttribute('aria-selected', 'false');
      }
      active = i;
      if (active >= 0 && items[active]) {
        items[active].classList.add('active');
        items[active].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', items[active].id);
        items[active].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function pick(i) {
      var it = items[i];
      if (!it) return;
      var url = it.dataset.url;
      if (!localURL(url)) url = '/search?q=' + encodeURIComponent(it.dataset.text);
      picked = true;
      close();
      window.location.assign(url);
    }

    function render(suggestions) {
      list.textContent = '';
      items = [];
      active = -1;
      suggestions.forEach(function (s, i) {
        var li = document.createElement('li');
        li.id = listId + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.className = 'suggestion suggestion-' + s.kind;
        li.dataset.url = s.url || '';
        li.dataset.text = s.text;
        var text = document.createElement('span');
        text.className = 'suggestion-text';
        text.textContent = s.text;
        var kind = document.createElement('span');
        kind.className = 'suggestion-kind';
        var label = input.dataset['label' + s.kind.charAt(0).toUpperCase() + s.kind.slice(1)] || s.kind;
        kind.textContent = s.count ? label + ' · ' + s.count : label;
        li.appendChild(text);
        li.appendChild(kind);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); });
        li.addEventListener('click', function () { pick(i); });
        list.appendChild(li);
        items.push(li);
      });
      var open = items.length > 0;
      list.hidden = !open;
      input.setAttribute('aria-expanded', open ? 'true' : 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      if (q === lastQuery && !list.hidden) return;
      lastQuery = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch('/api/suggest?size=8&q=' + encodeURIComponent(q), { signal: pending.signal, headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() !== q || document.activeElement !== input) return;
          render(data.suggestions || []);
        })
        .catch(function () { /* aborted or offline: no suggestions */ });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      lastQuery = '';
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        if (list.hidden) { fetchSuggestions(); return; }
        e.preventDefault();
        setActive(active + 1 < items.length ? active + 1 : 0);
      } else if (e.key === 'ArrowUp') {
        if (list.hidden) return;
        e.preventDefault();
        setActive(active > 0 ? active - 1 : items.length - 1);
      } else if (e.key === 'Enter') {
        if (!list.hidden && active >= 0) { e.preventDefault(); pick(active); }
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); }
      } else if (e.key === 'Tab') {
        close();
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  // Filter forms: apply a ticked facet or a new sort order at once, and
  // leave empty fields out of the URL.
  function setupAutosubmit(form) {
    form.addEventListener('change', function (e) {
      var t = e.target;
      if (t.matches('input[type=checkbox], select')) {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    });
    form.addEventListener('submit', function (e) {
      if (e.defaultPrevented) return;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.disabled && el.value === '' && (el.tagName === 'INPUT' || el.tagName === 'SELECT')) {
          el.disabled = true;
          el.dataset.cleared = '1';
        }
      });
    });
  }

  // Coming back through the history: enable what submit disabled.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('[data-cleared]').forEach(function (el) {
      el.disabled = false;
      delete el.dataset.cleared;
    });
  });

  // Copy buttons for the permalink and the citation.
  function setupCopy(button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener('click', function () {
      function done() {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(done, function () { target.select(); });
      } else {
        target.select();
        try { if (document.execCommand('copy')) done(); } catch (err) { /* selected for manual copy */ }
      }
    });
  }

  function init() {
    document.querySelectorAll('input[data-suggest]').forEach(setupSuggest);
    document.querySelectorAll('form[data-autosubmit]').forEach(setupAutosubmit);
    document.querySelectorAll('button[data-copy]').forEach(setupCopy);
    // On narrow screens the filters start folded, below the search box.
    if (window.matchMedia('(max-width: 860px)').matches) {
      document.querySelectorAll('details[data-collapse-narrow]').forEach(function (d) { d.open = false; });
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
